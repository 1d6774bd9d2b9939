package org.multiprocessing4j.internal.wire;

import java.io.ObjectInputFilter;

/**
 * The {@link ObjectInputFilter} every deserialization in this library goes through.
 *
 * <p>Channels between our processes are authenticated, so the filter is a second line: it bounds
 * the depth of the object graph and rejects classes known as deserialization gadgets. A deployment
 * narrows it further with the system property {@value #PROPERTY} (a pattern in the syntax of
 * {@link ObjectInputFilter.Config#createFilter}, applied first), and a JVM-wide filter set with
 * {@code jdk.serialFilter} is applied too.
 */
public final class SerialFilter {
    /** System property holding an extra filter pattern, applied before the built-in one. */
    public static final String PROPERTY = "multiprocessing4j.serialFilter";

    private static final String BUILT_IN = String.join(";",
            "maxdepth=2000",
            "!org.apache.commons.collections.functors.*",
            "!org.apache.commons.collections4.functors.*",
            "!org.codehaus.groovy.runtime.*",
            "!com.sun.org.apache.xalan.internal.xsltc.trax.*",
            "!org.apache.xalan.xsltc.trax.*",
            "!com.sun.rowset.*",
            "!javax.management.*",
            "!java.rmi.server.*",
            "!sun.rmi.*",
            "!org.springframework.beans.factory.*",
            "!com.mchange.v2.c3p0.*",
            "!bsh.*");

    private static final ObjectInputFilter FILTER = build();

    private SerialFilter() {}

    /** The filter to install on every {@link java.io.ObjectInputStream} this library creates. */
    public static ObjectInputFilter get() {
        return FILTER;
    }

    private static ObjectInputFilter build() {
        ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(BUILT_IN);
        String extra = System.getProperty(PROPERTY);
        if (extra != null && !extra.isBlank()) {
            filter = ObjectInputFilter.merge(ObjectInputFilter.Config.createFilter(extra), filter);
        }
        ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
        if (jvmWide != null) {
            filter = ObjectInputFilter.merge(jvmWide, filter);
        }
        // A class the patterns do not name stays UNDECIDED, which ObjectInputStream allows:
        // user types must pass.
        return filter;
    }
}
