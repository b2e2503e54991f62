package org.gridauth.idp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The IdP bridge as a Spring Boot application: {@code java -jar idp-bridge.jar --spring.config.additional-location=...}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IdpApplication {

    public static void main(String[] args) {
        SpringApplication.run(IdpApplication.class, args);
    }
}
