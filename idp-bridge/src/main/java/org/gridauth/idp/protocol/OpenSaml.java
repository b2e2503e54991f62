package org.gridauth.idp.protocol;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;

import org.opensaml.core.config.InitializationException;
import org.opensaml.core.config.InitializationService;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.MarshallingException;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.core.xml.util.XMLObjectSupport;
import org.w3c.dom.Element;

import net.shibboleth.utilities.java.support.component.ComponentInitializationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import net.shibboleth.utilities.java.support.xml.XMLParserException;

/**
 * OpenSAML 4.0.1 set-up in one place: the library's initialisers, and a hardened parser pool that refuses any
 * DOCTYPE (so no XXE and no entity expansion) and is registered as OpenSAML's global pool.
 */
public final class OpenSaml {

    private static BasicParserPool parserPool;

    private OpenSaml() {
    }

    /** Initialises OpenSAML once per class loader; later calls return at once. */
    public static synchronized void init() {
        if (parserPool != null) {
            return;
        }
        try {
            InitializationService.initialize();
        } catch (InitializationException e) {
            throw new IllegalStateException("OpenSAML initialisation failed", e);
        }
        BasicParserPool pool = new BasicParserPool();
        pool.setMaxPoolSize(50);
        pool.setNamespaceAware(true);
        pool.setExpandEntityReferences(false);
        pool.setXincludeAware(false);
        pool.setIgnoreComments(true);
        Map<String, Boolean> features = new HashMap<>();
        features.put(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        features.put("http://apache.org/xml/features/disallow-doctype-decl", true);
        features.put("http://xml.org/sax/features/external-general-entities", false);
        features.put("http://xml.org/sax/features/external-parameter-entities", false);
        features.put("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        pool.setBuilderFeatures(features);
        try {
            pool.initialize();
        } catch (ComponentInitializationException e) {
            throw new IllegalStateException("XML parser pool initialisation failed", e);
        }
        XMLObjectProviderRegistrySupport.setParserPool(pool);
        parserPool = pool;
    }

    public static BasicParserPool parserPool() {
        init();
        return parserPool;
    }

    /** Parses and unmarshalls XML; the parser refuses DOCTYPEs, so entity tricks fail here. */
    public static XMLObject parse(byte[] xml) throws XMLParserException, UnmarshallingException {
        init();
        return XMLObjectSupport.unmarshallFromInputStream(parserPool, new ByteArrayInputStream(xml));
    }

    /** Builds an empty SAML object of the given element name. */
    @SuppressWarnings("unchecked")
    public static <T extends XMLObject> T build(QName elementName) {
        init();
        return (T) XMLObjectSupport.buildXMLObject(elementName);
    }

    /** The object's DOM, marshalling it first if needed. */
    public static Element marshall(XMLObject object) {
        init();
        try {
            return object.getDOM() != null ? object.getDOM() : XMLObjectSupport.marshall(object);
        } catch (MarshallingException e) {
            throw new IllegalStateException("cannot marshall " + object.getElementQName(), e);
        }
    }

    /** The object as XML text (no XML declaration); see {@link DomWriter}, with the JDK serializer as fallback. */
    public static String toXml(XMLObject object) {
        Element element = marshall(object);
        String fast = DomWriter.write(element);
        return fast != null ? fast : SerializeSupport.nodeToString(element);
    }
}
