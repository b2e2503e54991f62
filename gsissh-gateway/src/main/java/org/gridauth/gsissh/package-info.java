/**
 * GSI-SSH server (Apache MINA SSHD, gssapi-with-mic with the GSI mechanism, grid-mapfile authorization, delegation) and a Java gsissh client (R-RS-1).
 *
 * <p>Placeholder until issue #9 lands; see this module's README.
 */
package org.gridauth.gsissh;
