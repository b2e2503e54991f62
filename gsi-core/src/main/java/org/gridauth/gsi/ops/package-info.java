/**
 * Health and Micrometer metrics for the services built on the JDK's HTTP server (CA repository and RA link,
 * certificate manager), shaped like Spring Boot Actuator's so that one monitoring set-up scrapes every gridauth
 * service (R-OP-2): {@code GET /actuator/health} and {@code GET /actuator/prometheus} for local clients only, and
 * {@code http_server_requests_seconds} timers tagged with route patterns, never raw paths.
 */
package org.gridauth.gsi.ops;
