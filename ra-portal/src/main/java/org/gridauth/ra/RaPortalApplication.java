package org.gridauth.ra;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.session.SessionAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts the RA portal: {@code java -jar ra-portal.jar --spring.config.additional-location=ra-portal.yaml}. Spring
 * Session's auto-configuration is off: with spring-session-jdbc on the class path it would move every session to
 * the database; {@code gridauth.ra.sessions = database} turns that on ({@link org.gridauth.ra.web.SharedSessions}).
 */
@SpringBootApplication(exclude = SessionAutoConfiguration.class)
@ConfigurationPropertiesScan
public class RaPortalApplication {

    public static void main(String[] args) {
        SpringApplication.run(RaPortalApplication.class, args);
    }
}
