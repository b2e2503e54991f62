package org.gridauth.idp.protocol;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import org.gridauth.idp.policy.ReleasePolicy;
import org.gridauth.idp.policy.ReleasedAttribute;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.AttributeValue;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnContext;
import org.opensaml.saml.saml2.core.AuthnContextClassRef;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.security.x509.X509Credential;
import org.opensaml.xmlsec.keyinfo.impl.X509KeyInfoGeneratorFactory;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.Signer;
import org.opensaml.saml.common.SAMLObjectContentReference;
import org.opensaml.security.SecurityException;

/**
 * Builds the SAML Response for an SP: one assertion with bearer subject confirmation, audience restriction,
 * AuthnStatement with SessionIndex, and the released attributes; the assertion is signed with RSA-SHA256, SHA-256
 * digest and exclusive canonicalisation when the SP's metadata asks for it (WantAssertionsSigned), and the Response
 * always is. One RSA signature per sign-on where the SP does not ask for two: the signatures were the largest cost
 * of a sign-on in the load profile (benchmarks/RESULTS.md). Times come from the injected clock.
 */
public final class ResponseFactory {

    /** How long the assertion may be used after issue (SubjectConfirmationData / Conditions NotOnOrAfter). */
    public static final Duration VALIDITY = Duration.ofMinutes(5);

    private final IdpEndpoints endpoints;
    private final X509Credential signing;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ResponseFactory(IdpEndpoints endpoints, X509Credential signing, Clock clock) {
        this.endpoints = endpoints;
        this.signing = signing;
        this.clock = clock;
    }

    /** A new random SAML ID (starts with a letter, as xsd:ID requires). */
    public String newId() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return "_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * @param inResponseTo the AuthnRequest ID, or null for an unsolicited response
     * @param spEntityId   the audience
     * @param acsUrl       the checked AssertionConsumerService URL (Destination and Recipient)
     */
    public Response success(String inResponseTo, String spEntityId, String acsUrl, Subject subject) {
        return success(inResponseTo, spEntityId, acsUrl, subject, null, true);
    }

    /**
     * As above; with {@code encryptTo} the signed assertion is encrypted (AES-128-GCM, key transported with RSA-OAEP)
     * to that SP certificate and sent as an EncryptedAssertion; with {@code signAssertion} the assertion carries its own
     * signature inside the signed Response.
     */
    public Response success(String inResponseTo, String spEntityId, String acsUrl, Subject subject, java.security.cert.X509Certificate encryptTo,
                            boolean signAssertion) {
        Instant now = clock.instant();
        Response response = OpenSaml.build(Response.DEFAULT_ELEMENT_NAME);
        response.setID(newId());
        response.setVersion(SAMLVersion.VERSION_20);
        response.setIssueInstant(now);
        response.setDestination(acsUrl);
        response.setInResponseTo(inResponseTo);
        response.setIssuer(issuer());
        response.setStatus(status(StatusCode.SUCCESS));

        Assertion assertion = OpenSaml.build(Assertion.DEFAULT_ELEMENT_NAME);
        assertion.setID(newId());
        assertion.setVersion(SAMLVersion.VERSION_20);
        assertion.setIssueInstant(now);
        assertion.setIssuer(issuer());

        org.opensaml.saml.saml2.core.Subject samlSubject = OpenSaml.build(org.opensaml.saml.saml2.core.Subject.DEFAULT_ELEMENT_NAME);
        NameID nameId = OpenSaml.build(NameID.DEFAULT_ELEMENT_NAME);
        nameId.setFormat(subject.nameIdFormat());
        nameId.setValue(subject.nameId());
        if (NameIDType.PERSISTENT.equals(subject.nameIdFormat())) {
            nameId.setNameQualifier(endpoints.entityId());
            nameId.setSPNameQualifier(spEntityId);
        }
        samlSubject.setNameID(nameId);
        SubjectConfirmation confirmation = OpenSaml.build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
        confirmation.setMethod(SubjectConfirmation.METHOD_BEARER);
        SubjectConfirmationData data = OpenSaml.build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
        data.setRecipient(acsUrl);
        data.setNotOnOrAfter(now.plus(VALIDITY));
        data.setInResponseTo(inResponseTo);
        confirmation.setSubjectConfirmationData(data);
        samlSubject.getSubjectConfirmations().add(confirmation);
        assertion.setSubject(samlSubject);

        Conditions conditions = OpenSaml.build(Conditions.DEFAULT_ELEMENT_NAME);
        conditions.setNotBefore(now.minus(Duration.ofSeconds(30)));
        conditions.setNotOnOrAfter(now.plus(VALIDITY));
        AudienceRestriction restriction = OpenSaml.build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
        Audience audience = OpenSaml.build(Audience.DEFAULT_ELEMENT_NAME);
        audience.setURI(spEntityId);
        restriction.getAudiences().add(audience);
        conditions.getAudienceRestrictions().add(restriction);
        assertion.setConditions(conditions);

        AuthnStatement authn = OpenSaml.build(AuthnStatement.DEFAULT_ELEMENT_NAME);
        authn.setAuthnInstant(subject.authnInstant());
        authn.setSessionIndex(subject.sessionIndex());
        AuthnContext context = OpenSaml.build(AuthnContext.DEFAULT_ELEMENT_NAME);
        AuthnContextClassRef classRef = OpenSaml.build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
        classRef.setURI(AuthnContext.PPT_AUTHN_CTX);
        context.setAuthnContextClassRef(classRef);
        authn.setAuthnContext(context);
        assertion.getAuthnStatements().add(authn);

        if (!subject.attributes().isEmpty()) {
            AttributeStatement statement = OpenSaml.build(AttributeStatement.DEFAULT_ELEMENT_NAME);
            for (ReleasedAttribute released : subject.attributes()) {
                if (ReleasePolicy.NEVER_RELEASED_SAML_NAMES.contains(released.samlName())) {
                    // R-IDP-3, last line of defence: never sign an assertion carrying o, ou, jao or jaou.
                    throw new IllegalStateException("attribute " + released.friendlyName() + " must never be released");
                }
                statement.getAttributes().add(attribute(released));
            }
            assertion.getAttributeStatements().add(statement);
        }
        Signature assertionSignature = signAssertion ? prepareSignature(assertion) : null;
        try {
            if (encryptTo == null) {
                response.getAssertions().add(assertion);
                Signature responseSignature = prepareSignature(response);
                OpenSaml.marshall(response);
                if (assertionSignature != null) {
                    Signer.signObject(assertionSignature);
                }
                Signer.signObject(responseSignature);
            } else {
                OpenSaml.marshall(assertion);
                if (assertionSignature != null) {
                    Signer.signObject(assertionSignature);
                }
                response.getEncryptedAssertions().add(encrypt(assertion, encryptTo));
                Signature responseSignature = prepareSignature(response);
                OpenSaml.marshall(response);
                Signer.signObject(responseSignature);
            }
        } catch (SignatureException e) {
            throw new IllegalStateException("signing the SAML response failed", e);
        }
        return response;
    }

    private static org.opensaml.saml.saml2.core.EncryptedAssertion encrypt(Assertion assertion, java.security.cert.X509Certificate to) {
        org.opensaml.xmlsec.encryption.support.DataEncryptionParameters data = new org.opensaml.xmlsec.encryption.support.DataEncryptionParameters();
        data.setAlgorithm(org.opensaml.xmlsec.encryption.support.EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM);
        org.opensaml.xmlsec.encryption.support.KeyEncryptionParameters key = new org.opensaml.xmlsec.encryption.support.KeyEncryptionParameters();
        org.opensaml.security.x509.BasicX509Credential recipient = new org.opensaml.security.x509.BasicX509Credential(to);
        key.setEncryptionCredential(recipient);
        key.setAlgorithm(org.opensaml.xmlsec.encryption.support.EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP);
        X509KeyInfoGeneratorFactory keyInfo = new X509KeyInfoGeneratorFactory();
        keyInfo.setEmitEntityCertificate(true);
        key.setKeyInfoGenerator(keyInfo.newInstance());
        org.opensaml.saml.saml2.encryption.Encrypter encrypter = new org.opensaml.saml.saml2.encryption.Encrypter(data, key);
        encrypter.setKeyPlacement(org.opensaml.saml.saml2.encryption.Encrypter.KeyPlacement.INLINE);
        try {
            return encrypter.encrypt(assertion);
        } catch (org.opensaml.xmlsec.encryption.support.EncryptionException e) {
            throw new IllegalStateException("encrypting the assertion failed", e);
        }
    }

    /** Signs a message with an enveloped signature (RSA-SHA256, exclusive c14n), for the HTTP-POST binding. */
    public void sign(SignableSAMLObject object) {
        Signature signature = prepareSignature(object);
        OpenSaml.marshall(object);
        try {
            Signer.signObject(signature);
        } catch (SignatureException e) {
            throw new IllegalStateException("signing the SAML message failed", e);
        }
    }

    private Signature prepareSignature(SignableSAMLObject object) {
        Signature signature = OpenSaml.build(Signature.DEFAULT_ELEMENT_NAME);
        signature.setSigningCredential(signing);
        signature.setSignatureAlgorithm(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
        signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        X509KeyInfoGeneratorFactory keyInfo = new X509KeyInfoGeneratorFactory();
        keyInfo.setEmitEntityCertificate(true);
        try {
            signature.setKeyInfo(keyInfo.newInstance().generate(signing));
        } catch (SecurityException e) {
            throw new IllegalStateException("cannot build KeyInfo for the signing certificate", e);
        }
        object.setSignature(signature);
        ((SAMLObjectContentReference) signature.getContentReferences().get(0)).setDigestAlgorithm(SignatureConstants.ALGO_ID_DIGEST_SHA256);
        return signature;
    }

    private Issuer issuer() {
        Issuer issuer = OpenSaml.build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(endpoints.entityId());
        return issuer;
    }

    private static Status status(String code) {
        Status status = OpenSaml.build(Status.DEFAULT_ELEMENT_NAME);
        StatusCode statusCode = OpenSaml.build(StatusCode.DEFAULT_ELEMENT_NAME);
        statusCode.setValue(code);
        status.setStatusCode(statusCode);
        return status;
    }

    private static Attribute attribute(ReleasedAttribute released) {
        Attribute attribute = OpenSaml.build(Attribute.DEFAULT_ELEMENT_NAME);
        attribute.setName(released.samlName());
        attribute.setFriendlyName(released.friendlyName());
        attribute.setNameFormat(Attribute.URI_REFERENCE);
        for (String value : released.values()) {
            XSString xs = (XSString) XMLObjectProviderRegistrySupport.getBuilderFactory().<XSString>getBuilderOrThrow(XSString.TYPE_NAME)
                    .buildObject(AttributeValue.DEFAULT_ELEMENT_NAME, XSString.TYPE_NAME);
            xs.setValue(value);
            attribute.getAttributeValues().add(xs);
        }
        return attribute;
    }
}
