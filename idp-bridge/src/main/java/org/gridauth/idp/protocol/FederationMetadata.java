package org.gridauth.idp.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.core.xml.schema.XSURI;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.ext.saml2mdattr.EntityAttributes;
import org.opensaml.saml.ext.saml2mdui.DisplayName;
import org.opensaml.saml.ext.saml2mdui.UIInfo;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.OrganizationDisplayName;

/** Reads the IdPs of a federation metadata aggregate (or a single EntityDescriptor) for the discovery service. */
public final class FederationMetadata {

    private FederationMetadata() {
    }

    public static List<IdpEntry> idps(byte[] xml, String source) {
        XMLObject root;
        try {
            root = OpenSaml.parse(xml);
        } catch (Exception e) {
            throw new GridAuthException(IdpError.BAD_METADATA, e, source, "not SAML metadata");
        }
        List<EntityDescriptor> entities = new ArrayList<>();
        collect(root, entities, new ArrayList<>());
        List<IdpEntry> idps = new ArrayList<>();
        for (EntityDescriptor entity : entities) {
            IDPSSODescriptor idp = entity.getIDPSSODescriptor(SAMLConstants.SAML20P_NS);
            if (idp == null) {
                continue;
            }
            if (entity.getEntityID() == null || entity.getEntityID().isBlank()) {
                throw new GridAuthException(IdpError.BAD_METADATA, source, "an IdP's EntityDescriptor has no entityID");
            }
            Map<String, String> names = new LinkedHashMap<>();
            if (idp.getExtensions() != null) {
                for (XMLObject object : idp.getExtensions().getUnknownXMLObjects(UIInfo.DEFAULT_ELEMENT_NAME)) {
                    if (object instanceof UIInfo info) { // an xsi:type can make it another kind of object
                        for (DisplayName name : info.getDisplayNames()) {
                            putName(names, name.getXMLLang(), name.getValue());
                        }
                    }
                }
            }
            if (names.isEmpty() && entity.getOrganization() != null) {
                for (OrganizationDisplayName name : entity.getOrganization().getDisplayNames()) {
                    putName(names, name.getXMLLang(), name.getValue());
                }
            }
            idps.add(new IdpEntry(entity.getEntityID(), names, entityAttributes(entity)));
        }
        return idps;
    }

    /** A name without a language or without text cannot be shown by language; it is left out. */
    private static void putName(Map<String, String> names, String language, String name) {
        if (language != null && name != null) {
            names.putIfAbsent(language, name);
        }
    }

    private static void collect(XMLObject object, List<EntityDescriptor> into, List<XMLObject> unused) {
        if (object instanceof EntityDescriptor entity) {
            into.add(entity);
        } else if (object instanceof EntitiesDescriptor group) {
            into.addAll(group.getEntityDescriptors());
            group.getEntitiesDescriptors().forEach(g -> collect(g, into, unused));
        }
    }

    private static Map<String, List<String>> entityAttributes(EntityDescriptor entity) {
        Map<String, List<String>> attributes = new HashMap<>();
        if (entity.getExtensions() == null) {
            return attributes;
        }
        for (XMLObject object : entity.getExtensions().getUnknownXMLObjects(EntityAttributes.DEFAULT_ELEMENT_NAME)) {
            if (!(object instanceof EntityAttributes entityAttributes)) {
                continue;
            }
            for (Attribute attribute : entityAttributes.getAttributes()) {
                if (attribute.getName() == null) {
                    // an attribute without Name cannot be matched; a null key failed in IdpEntry's Map.copyOf
                    // (found by FederationMetadataFuzzTest)
                    continue;
                }
                List<String> values = attributes.computeIfAbsent(attribute.getName(), k -> new ArrayList<>());
                for (XMLObject value : attribute.getAttributeValues()) {
                    if (value instanceof XSString s && s.getValue() != null) {
                        values.add(s.getValue());
                    } else if (value instanceof XSURI u && u.getURI() != null) {
                        values.add(u.getURI());
                    } else if (!(value instanceof XSString) && !(value instanceof XSURI) && value.getDOM() != null) {
                        values.add(value.getDOM().getTextContent());
                    }
                }
            }
        }
        return attributes;
    }
}
