package org.gridauth.idp.protocol;

import java.net.URI;

/**
 * Where the IdP answers, derived from its public base URL (scheme, host, port and optional context path as the
 * browsers reach it, e.g. behind a load balancer). The paths follow the Shibboleth IdP's, so SP administrators
 * recognise them.
 *
 * @param entityId the IdP's SAML entityID
 * @param baseUrl  public base URL without a trailing slash
 * @param scope    the security domain appended to ePPNs and published as shibmd:Scope, e.g. {@code hpci.example.jp}
 */
public record IdpEndpoints(String entityId, String baseUrl, String scope) {

    public static final String METADATA_PATH = "/idp/shibboleth";
    public static final String SSO_REDIRECT_PATH = "/idp/profile/SAML2/Redirect/SSO";
    public static final String SSO_POST_PATH = "/idp/profile/SAML2/POST/SSO";
    public static final String SLO_REDIRECT_PATH = "/idp/profile/SAML2/Redirect/SLO";
    public static final String SLO_POST_PATH = "/idp/profile/SAML2/POST/SLO";
    public static final String LOGOUT_PATH = "/idp/profile/Logout";

    public IdpEndpoints {
        URI.create(baseUrl);
        if (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    public String metadataUrl() {
        return baseUrl + METADATA_PATH;
    }

    public String ssoRedirectUrl() {
        return baseUrl + SSO_REDIRECT_PATH;
    }

    public String sloRedirectUrl() {
        return baseUrl + SLO_REDIRECT_PATH;
    }

    public String sloPostUrl() {
        return baseUrl + SLO_POST_PATH;
    }

    public String ssoPostUrl() {
        return baseUrl + SSO_POST_PATH;
    }
}
