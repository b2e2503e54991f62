/**
 * End-to-end tests of scenario A: browser sign-on to gsissh login, with the stock grid tools.
 *
 * <p>Placeholder until issue #10 lands; see this module's README.
 */
package org.gridauth.systemtests;
