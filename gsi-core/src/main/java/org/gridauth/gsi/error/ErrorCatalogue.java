package org.gridauth.gsi.error;

import java.util.List;

/**
 * A module's whole set of user- and operator-facing errors. Each module registers exactly one through
 * {@code META-INF/services/org.gridauth.gsi.error.ErrorCatalogue}, so that the manuals' troubleshooting
 * chapters can be generated from every catalogue on the class path and no error can be missing from them.
 *
 * @param module     the module name as used in the manuals, e.g. {@code gsi-core}
 * @param codePrefix the code prefix every entry shares, e.g. {@code GA-CORE}
 * @param entries    the entries in code order
 */
public record ErrorCatalogue(String module, String codePrefix, List<ErrorCode> entries) {

    public ErrorCatalogue {
        entries = List.copyOf(entries);
    }

    /** A catalogue made from an enum of error codes. */
    public static <E extends Enum<E> & ErrorCode> ErrorCatalogue ofEnum(String module, String codePrefix, Class<E> type) {
        return new ErrorCatalogue(module, codePrefix, List.of(type.getEnumConstants()));
    }

    /** Service-loader hook: each module ships one provider returning its catalogue. */
    public interface Provider {
        ErrorCatalogue catalogue();
    }
}
