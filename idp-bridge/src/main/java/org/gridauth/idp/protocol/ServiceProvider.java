package org.gridauth.idp.protocol;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What the IdP knows about one SP from its metadata.
 *
 * @param entityId          the SP's entityID
 * @param consumers         its AssertionConsumerService endpoints in metadata order
 * @param signingKeys       certificates it signs requests with (KeyDescriptor use="signing" or no use)
 * @param signsRequests     AuthnRequestsSigned="true": unsigned requests from it are refused
 * @param discoveryResponses the idpdisco:DiscoveryResponse locations: the only {@code return} URLs the DS accepts
 * @param logoutServices    its SingleLogoutService endpoints of the HTTP-Redirect and HTTP-POST bindings, in metadata order
 * @param encryptionKey     certificate of a KeyDescriptor with use="encryption" or no use: assertions are encrypted to it; or null
 * @param wantsAssertionsSigned WantAssertionsSigned="true": the assertion is signed too, not only the Response
 */
public record ServiceProvider(String entityId, List<Consumer> consumers, List<X509Certificate> signingKeys,
                              boolean signsRequests, List<String> discoveryResponses, List<Logout> logoutServices,
                              X509Certificate encryptionKey, boolean wantsAssertionsSigned) {

    /**
     * A SingleLogoutService endpoint: requests go to {@code location}, responses to {@code responseLocation}, over
     * {@code binding} (HTTP-Redirect or HTTP-POST).
     */
    public record Logout(String binding, String location, String responseLocation) {
        public String forResponses() {
            return responseLocation != null ? responseLocation : location;
        }

        public boolean redirect() {
            return org.opensaml.saml.common.xml.SAMLConstants.SAML2_REDIRECT_BINDING_URI.equals(binding);
        }
    }

    /** The endpoint single logout uses: the HTTP-Redirect one if there is one, else the HTTP-POST one; empty without either. */
    public Optional<Logout> logout() {
        return logoutServices.stream().filter(Logout::redirect).findFirst().or(() -> logoutServices.stream().findFirst());
    }


    public ServiceProvider {
        consumers = List.copyOf(consumers);
        signingKeys = List.copyOf(signingKeys);
        discoveryResponses = List.copyOf(discoveryResponses);
        logoutServices = List.copyOf(logoutServices);
    }

    /** One AssertionConsumerService endpoint. */
    public record Consumer(String binding, String location, Integer index, boolean isDefault) {
    }

    /** The endpoint a request asks for by URL (exact match) or index; empty when metadata has no such endpoint. */
    public Optional<Consumer> consumer(String url, Integer index, String binding) {
        if (url != null) {
            return consumers.stream().filter(c -> c.location().equals(url))
                    .filter(c -> binding == null || c.binding().equals(binding)).findFirst();
        }
        if (index != null) {
            return consumers.stream().filter(c -> index.equals(c.index())).findFirst();
        }
        return consumers.stream().filter(c -> c.binding().equals(binding == null ? c.binding() : binding))
                .filter(Consumer::isDefault).findFirst()
                .or(() -> consumers.stream().filter(c -> binding == null || c.binding().equals(binding)).findFirst());
    }
}
