package org.gridauth.certmanager.service;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.certmanager.store.CredentialRecord;
import org.gridauth.gsi.error.GridAuthException;

/**
 * Issuance notification mail (R-CM-5, R-RA-7): the CA admin sets recipients per e-mail domain of the researcher
 * ("*" for every other domain); the researcher gets a copy when {@code notifyHolder} is set. A mail that cannot be
 * sent never undoes an issuance: the failure is returned for the audit record.
 *
 * @param recipientsByDomain domain (lower case) or "*" to addresses
 */
public final class IssuanceNotifier {

    /** Mail settings. */
    public record MailSettings(String host, int port, String from, Map<String, List<String>> recipientsByDomain, boolean notifyHolder) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final MailSettings settings;
    private final Session session;

    public IssuanceNotifier(MailSettings settings) {
        this.settings = settings;
        Properties properties = new Properties();
        properties.put("mail.smtp.host", settings.host());
        properties.put("mail.smtp.port", Integer.toString(settings.port()));
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        this.session = Session.getInstance(properties);
    }

    /** Who is told about a certificate for this researcher's address. */
    public List<String> recipients(String holderEmail) {
        Set<String> out = new LinkedHashSet<>();
        String domain = holderEmail == null || !holderEmail.contains("@") ? "" : holderEmail.substring(holderEmail.lastIndexOf('@') + 1)
                .toLowerCase(Locale.ROOT);
        List<String> byDomain = settings.recipientsByDomain().get(domain);
        out.addAll(byDomain != null ? byDomain : settings.recipientsByDomain().getOrDefault("*", List.of()));
        if (settings.notifyHolder() && holderEmail != null && !holderEmail.isBlank()) {
            out.add(holderEmail);
        }
        return new ArrayList<>(out);
    }

    /** Sends the notice; throws GA-CM-021 if the mail server refuses or cannot be reached. */
    public List<String> notifyIssued(CredentialRecord issued, String holderEmail) {
        List<String> to = recipients(holderEmail);
        if (to.isEmpty()) {
            return to;
        }
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(settings.from()));
            for (String address : to) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
            }
            message.setSubject("[gridauth] client certificate issued / クライアント証明書発行: " + issued.commonName(), "UTF-8");
            message.setText(body(issued), "UTF-8");
            Transport.send(message);
            return to;
        } catch (MessagingException e) {
            throw new GridAuthException(CertManagerError.MAIL_FAILED, e, String.join(", ", to), e.getMessage());
        }
    }

    private static String body(CredentialRecord c) {
        String where = switch (c.location()) {
            case STORE -> "kept in the certificate manager / 証明書管理サーバーに保管";
            case MYPROXY -> "stored in MyProxy as \"" + c.myproxyUsername() + "\" / MyProxy に格納 (ユーザー名 " + c.myproxyUsername() + ")";
            case DOWNLOAD -> "downloaded by the holder / 本人がダウンロード";
        };
        return "A client certificate was issued.\nクライアント証明書が発行されました。\n\n"
                + "Subject / サブジェクト: " + c.subjectDn() + "\n"
                + "HPCI-ID: " + c.hpciId() + "\n"
                + "Serial / シリアル番号: " + c.serial() + "\n"
                + "Valid / 有効期間: " + TIME.format(c.notBefore()) + " - " + TIME.format(c.notAfter()) + "\n"
                + "Key / 秘密鍵: " + where + "\n\n"
                + "If you did not ask for this certificate, contact the CA at once.\n"
                + "この証明書に心当たりがない場合は、直ちに CA に連絡してください。\n";
    }
}
