package org.gridauth.idp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The IdP bridge as a Spring Boot application: {@code java -jar idp-bridge.jar --spring.config.additional-location=...};
 * with {@code account ...} as the first arguments it runs the account administration command instead.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IdpApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("account")) {
            org.gridauth.idp.admin.AccountCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(IdpApplication.class, args);
    }
}
