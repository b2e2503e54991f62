package org.gridauth.idp.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

import org.gridauth.gsi.credential.AtomicFiles;
import org.gridauth.gsi.error.GridAuthException;
import org.gridauth.idp.IdpError;

/**
 * Tells a user what the HPCI office did to their account (R-IDP-5): one RFC 5322 message per change, in Japanese and
 * English, written to an outbox directory ({@code <id>.eml}) that the site's mail relay sends from (for example a
 * cron job running {@code sendmail -t < file} and removing the file). Writing a file rather than speaking SMTP keeps
 * mail credentials and relays out of the IdP; a message is written atomically, so a relay never sends half of one.
 */
public final class Notifier {

    /** What happened to the account. */
    public enum Change {
        REGISTERED("アカウントを登録しました", "Your account has been registered",
                "HPCI アカウント「{0}」を登録しました。HPCI-ID は {1} です。", "Your HPCI account \"{0}\" has been registered. Your HPCI-ID is {1}."),
        CHANGED("アカウントの登録情報を変更しました", "Your account details have been changed",
                "HPCI アカウント「{0}」の登録情報 ({1}) を変更しました。", "The details ({1}) of your HPCI account \"{0}\" have been changed."),
        SUSPENDED("アカウントを停止しました", "Your account has been suspended",
                "HPCI アカウント「{0}」を停止しました。理由: {1}。再開については HPCI 事務局にお問い合わせください。",
                "Your HPCI account \"{0}\" has been suspended. Reason: {1}. Contact the HPCI office to have it reinstated."),
        REINSTATED("アカウントを再開しました", "Your account has been reinstated",
                "HPCI アカウント「{0}」を再開しました。再びサインインできます。", "Your HPCI account \"{0}\" has been reinstated; you can sign in again."),
        DELETED("アカウントを削除しました", "Your account has been deleted",
                "HPCI アカウント「{0}」を削除しました。サインインはできません。", "Your HPCI account \"{0}\" has been deleted and can no longer sign in.");

        final String subjectJa;
        final String subjectEn;
        final String bodyJa;
        final String bodyEn;

        Change(String subjectJa, String subjectEn, String bodyJa, String bodyEn) {
            this.subjectJa = subjectJa;
            this.subjectEn = subjectEn;
            this.bodyJa = bodyJa;
            this.bodyEn = bodyEn;
        }
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneId.of("UTC")).withLocale(Locale.ENGLISH);

    private final Path outbox;
    private final String from;
    private final Clock clock;

    public Notifier(Path outbox, String from, Clock clock) {
        this.outbox = outbox;
        this.from = from;
        this.clock = clock;
    }

    /** Writes the message to the outbox; returns its file. {@code detail} is the HPCI-ID, the changed fields or the reason. */
    public Path notify(String mail, String username, Change change, String detail) {
        if (mail == null || mail.isBlank() || mail.contains("\n") || mail.contains("\r")) {
            throw new GridAuthException(IdpError.NOTIFICATION_FAILED, String.valueOf(mail), "no usable mail address");
        }
        String ja = java.text.MessageFormat.format(change.bodyJa.replace("'", "''"), username, detail);
        String en = java.text.MessageFormat.format(change.bodyEn.replace("'", "''"), username, detail);
        String body = ja + "\r\n\r\n" + en + "\r\n\r\n-- \r\nHPCI 事務局 / HPCI office\r\n";
        String subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(("[HPCI] " + change.subjectJa + " / " + change.subjectEn)
                .getBytes(StandardCharsets.UTF_8)) + "?=";
        String id = UUID.randomUUID().toString();
        String message = "From: " + from + "\r\nTo: " + mail + "\r\nSubject: " + subject + "\r\nDate: " + DATE.format(clock.instant())
                + "\r\nMessage-ID: <" + id + "@gridauth-idp>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\r\n";
        Path file = outbox.resolve(id + ".eml");
        try {
            Files.createDirectories(outbox);
            AtomicFiles.write(file, message.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE);
        } catch (IOException | RuntimeException e) {
            throw new GridAuthException(IdpError.NOTIFICATION_FAILED, e, mail, e.getMessage());
        }
        return file;
    }
}
