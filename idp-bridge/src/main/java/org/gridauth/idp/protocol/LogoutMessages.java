package org.gridauth.idp.protocol;

import java.time.Instant;

import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.SessionIndex;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;

/** The IdP's single-logout messages (SAML core 3.7). */
public final class LogoutMessages {

    private LogoutMessages() {
    }

    public static LogoutRequest request(String id, String idpEntityId, String destination, String spEntityId, String nameIdFormat,
                                        String nameIdValue, String sessionIndex, Instant now) {
        LogoutRequest request = OpenSaml.build(LogoutRequest.DEFAULT_ELEMENT_NAME);
        request.setID(id);
        request.setVersion(SAMLVersion.VERSION_20);
        request.setIssueInstant(now);
        request.setDestination(destination);
        request.setIssuer(issuer(idpEntityId));
        NameID nameId = OpenSaml.build(NameID.DEFAULT_ELEMENT_NAME);
        nameId.setFormat(nameIdFormat);
        nameId.setValue(nameIdValue);
        if (NameIDType.PERSISTENT.equals(nameIdFormat)) {
            nameId.setNameQualifier(idpEntityId);
            nameId.setSPNameQualifier(spEntityId);
        }
        request.setNameID(nameId);
        SessionIndex index = OpenSaml.build(SessionIndex.DEFAULT_ELEMENT_NAME);
        index.setValue(sessionIndex);
        request.getSessionIndexes().add(index);
        return request;
    }

    /** A LogoutResponse; {@code secondLevel} is e.g. PartialLogout, or null. */
    public static LogoutResponse response(String id, String idpEntityId, String destination, String inResponseTo, String topLevel,
                                          String secondLevel, Instant now) {
        LogoutResponse response = OpenSaml.build(LogoutResponse.DEFAULT_ELEMENT_NAME);
        response.setID(id);
        response.setVersion(SAMLVersion.VERSION_20);
        response.setIssueInstant(now);
        response.setDestination(destination);
        response.setInResponseTo(inResponseTo);
        response.setIssuer(issuer(idpEntityId));
        Status status = OpenSaml.build(Status.DEFAULT_ELEMENT_NAME);
        StatusCode code = OpenSaml.build(StatusCode.DEFAULT_ELEMENT_NAME);
        code.setValue(topLevel);
        if (secondLevel != null) {
            StatusCode second = OpenSaml.build(StatusCode.DEFAULT_ELEMENT_NAME);
            second.setValue(secondLevel);
            code.setStatusCode(second);
        }
        status.setStatusCode(code);
        response.setStatus(status);
        return response;
    }

    private static Issuer issuer(String entityId) {
        Issuer issuer = OpenSaml.build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(entityId);
        return issuer;
    }
}
