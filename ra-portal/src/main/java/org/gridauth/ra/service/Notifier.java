package org.gridauth.ra.service;

import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.gridauth.ra.RaProperties;
import org.gridauth.ra.policy.Person;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Issuance notification mail (R-RA-7) to the recipients the operators set per ePPN domain in the console. A mail
 * failure never undoes an issuance; it is logged for the operators.
 */
@Service
public class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final RaProperties.Mail mail;
    private final SettingsService settings;

    public Notifier(RaProperties properties, SettingsService settings) {
        this.mail = properties.mail();
        this.settings = settings;
    }

    public void issued(Person person, String what, String subject, String serial) {
        if (mail.host().isBlank()) {
            return;
        }
        List<String> to = settings.current().recipientsFor(person.domain());
        if (to.isEmpty()) {
            return;
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", mail.host());
        props.put("mail.smtp.port", Integer.toString(mail.port()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(props));
            message.setFrom(new InternetAddress(mail.from()));
            for (String address : to) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
            }
            message.setSubject("[gridauth RA] " + what + " issued: " + subject, "UTF-8");
            message.setText("""
                    A %s was issued through the RA portal.
                    RA ポータルで %s が発行されました。

                    Subject: %s
                    Serial:  %s
                    HPCI-ID: %s
                    ePPN:    %s
                    """.formatted(what, what, subject, serial, person.hpciId(), person.eppn()), "UTF-8");
            Transport.send(message);
        } catch (MessagingException e) {
            LOG.warn("issuance notification for serial {} not sent to {}: {}", serial, to, e.getMessage());
        }
    }
}
