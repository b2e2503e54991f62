package org.gridauth.idp.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.ext.idpdisco.DiscoveryResponse;
import org.opensaml.saml.saml2.metadata.AssertionConsumerService;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.SPSSODescriptor;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.signature.X509Data;

/** The SPs this IdP serves, read from SAML metadata files (a single EntityDescriptor or an EntitiesDescriptor). */
public final class SpRegistry implements SpLookup {

    private final Map<String, ServiceProvider> byEntityId;

    /** Both registries' SPs; where an entityID is in both, {@code other}'s entry wins. */
    public SpRegistry with(SpRegistry other) {
        List<ServiceProvider> all = new ArrayList<>(byEntityId.values());
        all.addAll(other.all());
        return new SpRegistry(all);
    }

    public SpRegistry(List<ServiceProvider> providers) {
        Map<String, ServiceProvider> map = new LinkedHashMap<>();
        providers.forEach(p -> map.put(p.entityId(), p));
        this.byEntityId = Map.copyOf(map);
    }

    public static SpRegistry fromFiles(List<Path> files) {
        List<ServiceProvider> providers = new ArrayList<>();
        for (Path file : files) {
            try {
                providers.addAll(fromXml(Files.readAllBytes(file), file.toString()));
            } catch (IOException e) {
                throw new GridAuthException(IdpError.BAD_METADATA, e, file, "cannot read: " + e.getMessage());
            }
        }
        return new SpRegistry(providers);
    }

    public static List<ServiceProvider> fromXml(byte[] xml, String source) {
        XMLObject root;
        try {
            root = OpenSaml.parse(xml);
        } catch (Exception e) {
            throw new GridAuthException(IdpError.BAD_METADATA, e, source, "not SAML metadata: " + e.getMessage());
        }
        List<EntityDescriptor> entities = new ArrayList<>();
        collect(root, entities);
        List<ServiceProvider> providers = new ArrayList<>();
        for (EntityDescriptor entity : entities) {
            SPSSODescriptor sp = entity.getSPSSODescriptor(SAMLConstants.SAML20P_NS);
            if (sp != null) {
                if (entity.getEntityID() == null || entity.getEntityID().isBlank()) {
                    // the registry is keyed by entityID; a null one failed in Map.copyOf (found by FederationMetadataFuzzTest)
                    throw new GridAuthException(IdpError.BAD_METADATA, source, "an SP's EntityDescriptor has no entityID");
                }
                providers.add(toProvider(entity.getEntityID(), sp, source));
            }
        }
        return providers;
    }

    private static void collect(XMLObject object, List<EntityDescriptor> into) {
        if (object instanceof EntityDescriptor entity) {
            into.add(entity);
        } else if (object instanceof EntitiesDescriptor group) {
            into.addAll(group.getEntityDescriptors());
            group.getEntitiesDescriptors().forEach(g -> collect(g, into));
        }
    }

    private static ServiceProvider toProvider(String entityId, SPSSODescriptor sp, String source) {
        List<ServiceProvider.Consumer> consumers = new ArrayList<>();
        for (AssertionConsumerService acs : sp.getAssertionConsumerServices()) {
            consumers.add(new ServiceProvider.Consumer(acs.getBinding(), acs.getLocation(), acs.getIndex(),
                    Boolean.TRUE.equals(acs.isDefault())));
        }
        List<X509Certificate> keys = new ArrayList<>();
        X509Certificate encryptionKey = null;
        for (KeyDescriptor key : sp.getKeyDescriptors()) {
            if (key.getKeyInfo() == null) {
                continue;
            }
            for (X509Data data : key.getKeyInfo().getX509Datas()) {
                for (var cert : data.getX509Certificates()) {
                    X509Certificate certificate = certificate(cert.getValue(), entityId, source);
                    if (key.getUse() != UsageType.ENCRYPTION) {
                        keys.add(certificate);
                    }
                    if (key.getUse() != UsageType.SIGNING && encryptionKey == null) {
                        encryptionKey = certificate;
                    }
                }
            }
        }
        List<String> discovery = new ArrayList<>();
        if (sp.getExtensions() != null) {
            for (var object : sp.getExtensions().getUnknownXMLObjects(DiscoveryResponse.DEFAULT_ELEMENT_NAME)) {
                if (object instanceof DiscoveryResponse response && response.getLocation() != null) {
                    discovery.add(response.getLocation());
                }
            }
        }
        List<ServiceProvider.Logout> logout = sp.getSingleLogoutServices().stream()
                .filter(slo -> SAMLConstants.SAML2_REDIRECT_BINDING_URI.equals(slo.getBinding())
                        || SAMLConstants.SAML2_POST_BINDING_URI.equals(slo.getBinding()))
                .filter(slo -> slo.getLocation() != null)
                .map(slo -> new ServiceProvider.Logout(slo.getBinding(), slo.getLocation(), slo.getResponseLocation())).toList();
        return new ServiceProvider(entityId, consumers, keys, Boolean.TRUE.equals(sp.isAuthnRequestsSigned()), discovery, logout,
                encryptionKey, Boolean.TRUE.equals(sp.getWantAssertionsSigned()));
    }

    private static X509Certificate certificate(String base64, String entityId, String source) {
        if (base64 == null) {
            throw new GridAuthException(IdpError.BAD_METADATA, source, "empty certificate for " + entityId);
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (CertificateException | IllegalArgumentException e) {
            throw new GridAuthException(IdpError.BAD_METADATA, e, source, "bad certificate for " + entityId);
        }
    }

    @Override
    public Optional<ServiceProvider> find(String entityId) {
        return entityId == null ? Optional.empty() : Optional.ofNullable(byEntityId.get(entityId));
    }

    public List<ServiceProvider> all() {
        return List.copyOf(byEntityId.values());
    }
}
