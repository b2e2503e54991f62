/**
 * MyProxy v2 compatible proxy repository on 7512/tcp that the stock myproxy-* clients use unchanged (R-MP-1, R-MP-2).
 *
 * <p>Placeholder until issue #4 lands; see this module's README.
 */
package org.gridauth.myproxy;
