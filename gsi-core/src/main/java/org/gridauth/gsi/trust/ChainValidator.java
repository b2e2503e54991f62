package org.gridauth.gsi.trust;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.gridauth.gsi.dn.GridDn;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.gsi.error.GsiError;

import eu.emi.security.authn.x509.CrlCheckingMode;
import eu.emi.security.authn.x509.NamespaceCheckingMode;
import eu.emi.security.authn.x509.ProxySupport;
import eu.emi.security.authn.x509.ValidationError;
import eu.emi.security.authn.x509.ValidationErrorCode;
import eu.emi.security.authn.x509.ValidationResult;
import eu.emi.security.authn.x509.impl.CRLParameters;
import eu.emi.security.authn.x509.impl.OpensslCertChainValidator;
import eu.emi.security.authn.x509.impl.RevocationParametersExt;
import eu.emi.security.authn.x509.impl.ValidatorParams;

/**
 * Validates certificate chains, proxies included, against a {@link TrustDirectory}: signatures, validity, RFC 3820
 * proxy rules and path lengths, the CA's namespace (signing_policy / namespaces files, when present or when
 * required) and CRLs ({@code <hash>.r0}). canl-java does the work; this class fixes gridauth's defaults and turns
 * canl's findings into {@link ValidationProblem}s with catalogue codes.
 *
 * <p>The validator re-reads the directory every {@code refresh}; close it to stop that timer.
 */
public final class ChainValidator implements AutoCloseable {

    private final OpensslCertChainValidator validator;
    private final TrustDirectory trust;

    /**
     * @param trustDirectory   the directory to trust
     * @param revocation       how CRLs are used
     * @param requireNamespace refuse CAs that have neither a signing_policy nor a namespaces file
     * @param refresh          how often to re-read the directory (new CRLs, anchors)
     */
    public ChainValidator(Path trustDirectory, RevocationMode revocation, boolean requireNamespace, Duration refresh) {
        if (!trustDirectory.toFile().isDirectory()) {
            throw new GridAuthException(GsiError.TRUST_DIRECTORY_MISSING, trustDirectory);
        }
        this.trust = new TrustDirectory(trustDirectory);
        CrlCheckingMode crlMode = switch (revocation) {
            case REQUIRE -> CrlCheckingMode.REQUIRE;
            case IF_AVAILABLE -> CrlCheckingMode.IF_VALID;
            case IGNORE -> CrlCheckingMode.IGNORE;
        };
        ValidatorParams params = new ValidatorParams(new RevocationParametersExt(crlMode, new CRLParameters()), ProxySupport.ALLOW);
        NamespaceCheckingMode namespaces = requireNamespace
                ? NamespaceCheckingMode.EUGRIDPMA_GLOBUS_REQUIRE : NamespaceCheckingMode.EUGRIDPMA_GLOBUS;
        this.validator = new OpensslCertChainValidator(trustDirectory.toString(), true, namespaces,
                refresh.toMillis(), params, false);
    }

    /** Defaults for servers: CRLs required, namespaces enforced where present, re-read every minute. */
    public static ChainValidator strict(Path trustDirectory) {
        return new ChainValidator(trustDirectory, RevocationMode.REQUIRE, false, Duration.ofMinutes(1));
    }

    public ChainValidation validate(List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            return new ChainValidation(false, List.of(new ValidationProblem(ValidationProblem.Reason.OTHER, -1, "", "the chain is empty")));
        }
        ValidationResult result;
        try {
            result = validator.validate(chain.toArray(X509Certificate[]::new));
        } catch (RuntimeException e) {
            // canl 2.8.3 throws (NullPointerException in its CRL code) for some hostile chains, e.g. one signed by
            // an impostor CA with a trusted CA's name. Refuse, and find the reason ourselves.
            return new ChainValidation(false, List.of(diagnose(chain, e)));
        }
        if (result.isValid()) {
            return new ChainValidation(true, List.of());
        }
        List<ValidationProblem> problems = new ArrayList<>();
        for (ValidationError error : result.getErrors()) {
            int position = error.getPosition();
            String subject = position >= 0 && position < chain.size()
                    ? GridDn.of(chain.get(position).getSubjectX500Principal()).toOpenSsl()
                    : GridDn.of(chain.get(0).getSubjectX500Principal()).toOpenSsl();
            problems.add(new ValidationProblem(reasonOf(error.getErrorCode()), position, subject, error.getMessage()));
        }
        problems.sort(Comparator.comparing(ValidationProblem::reason));
        return new ChainValidation(false, problems);
    }

    private ValidationProblem diagnose(List<X509Certificate> chain, RuntimeException failure) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String subject = GridDn.of(certificate.getSubjectX500Principal()).toOpenSsl();
            X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1)
                    : trust.anchorFor(certificate.getIssuerX500Principal()).orElse(null);
            if (issuer == null) {
                return new ValidationProblem(ValidationProblem.Reason.UNKNOWN_ISSUER, i, subject, "no trusted issuer");
            }
            try {
                certificate.verify(issuer.getPublicKey());
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                // Bouncy Castle throws IllegalStateException for a signature BIT STRING with unused bits (found by
                // GsiTokenFuzzTest#delegatedCertificate): a signature that does not verify, like any other
                return new ValidationProblem(ValidationProblem.Reason.BAD_SIGNATURE, i, subject, String.valueOf(e.getMessage()));
            }
        }
        return new ValidationProblem(ValidationProblem.Reason.OTHER, 0,
                GridDn.of(chain.get(0).getSubjectX500Principal()).toOpenSsl(), "validator failure: " + failure);
    }

    /** Validates and throws the most important problem as a catalogue error. */
    public void validateOrThrow(List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            throw new GridAuthException(GsiError.CHAIN_EMPTY);
        }
        ChainValidation validation = validate(chain);
        if (!validation.valid()) {
            throw toException(validation.problems().get(0), chain);
        }
    }

    static GridAuthException toException(ValidationProblem problem, List<X509Certificate> chain) {
        int index = problem.position() >= 0 && problem.position() < chain.size() ? problem.position() : 0;
        X509Certificate certificate = chain.get(index);
        String subject = problem.subject();
        return switch (problem.reason()) {
            case EXPIRED -> new GridAuthException(GsiError.CHAIN_EXPIRED, subject, certificate.getNotAfter().toInstant());
            case NOT_YET_VALID -> new GridAuthException(GsiError.CHAIN_NOT_YET_VALID, subject, certificate.getNotBefore().toInstant());
            case REVOKED -> new GridAuthException(GsiError.CHAIN_REVOKED, subject, certificate.getSerialNumber().toString(16));
            case UNKNOWN_ISSUER -> new GridAuthException(GsiError.CHAIN_UNKNOWN_ISSUER, subject,
                    GridDn.of(certificate.getIssuerX500Principal()).toOpenSsl());
            case BAD_SIGNATURE -> new GridAuthException(GsiError.CHAIN_BAD_SIGNATURE, subject);
            case PROXY_PATH_LENGTH -> new GridAuthException(GsiError.CHAIN_PROXY_PATH_LENGTH, subject);
            case NAMESPACE -> new GridAuthException(GsiError.CHAIN_NAMESPACE, subject, problem.detail());
            case CRL -> new GridAuthException(GsiError.CHAIN_CRL, subject, problem.detail());
            case PROXY_RULES -> new GridAuthException(GsiError.CHAIN_PROXY_RULES, subject, problem.detail());
            case OTHER -> new GridAuthException(GsiError.CHAIN_INVALID, subject, problem.detail());
        };
    }

    static ValidationProblem.Reason reasonOf(ValidationErrorCode code) {
        String name = code.name();
        return switch (code) {
            case certificateExpired, noCrlForExpiredCert -> ValidationProblem.Reason.EXPIRED;
            case certificateNotYetValid -> ValidationProblem.Reason.NOT_YET_VALID;
            case certRevoked, ocspCertRevoked -> ValidationProblem.Reason.REVOKED;
            case noTrustAnchorFound, noIssuerPublicKey, certWrongIssuer, trustButInvalidCert, noCACert, proxyNoIssuer ->
                    ValidationProblem.Reason.UNKNOWN_ISSUER;
            case signatureNotVerified -> ValidationProblem.Reason.BAD_SIGNATURE;
            case proxyLength, pathLenghtExtended -> ValidationProblem.Reason.PROXY_PATH_LENGTH;
            case nsUndefinedAndRequired, nsDeny, nsNotAccepted -> ValidationProblem.Reason.NAMESPACE;
            default -> name.startsWith("crl") || name.startsWith("noValidCrl") || name.startsWith("noBaseCRL")
                    || name.startsWith("localInvalidCRL") || name.startsWith("noCrl")
                    ? ValidationProblem.Reason.CRL
                    : name.startsWith("proxy") ? ValidationProblem.Reason.PROXY_RULES : ValidationProblem.Reason.OTHER;
        };
    }

    @Override
    public void close() {
        validator.dispose();
    }
}
