package org.gridauth.ra;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the RA portal: {@code java -jar ra-portal.jar --spring.config.additional-location=ra-portal.yaml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RaPortalApplication {

    public static void main(String[] args) {
        SpringApplication.run(RaPortalApplication.class, args);
    }
}
