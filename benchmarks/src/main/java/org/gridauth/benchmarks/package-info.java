/**
 * JMH benchmarks and load drivers. Every figure is reported as a ratio against a reference peer measured in the
 * same run (for example Debian's myproxy-server or openssl), never as a timed unit test.
 */
package org.gridauth.benchmarks;
