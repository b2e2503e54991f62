package org.gridauth.certmanager.registry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.gridauth.certmanager.CertManagerError;
import org.gridauth.gsi.error.GridAuthException;

/**
 * A registry read with a configured SQL query from any JDBC source (the HPCI office's database, reachable only
 * from the portal and the certificate manager). The query's column labels are the CSV column names (use
 * {@code AS hpci_id} etc.; case does not matter); each row is one record, numbered from 1 in messages ("line" N
 * means row N). Values are read as text; SQL DATE columns become ISO dates. The password is held only for the
 * connection and never appears in {@link #description()}.
 */
public final class JdbcRegistrySource implements RegistrySource {

    private final String url;
    private final String user;
    private final char[] password;
    private final String query;

    /**
     * @param url      the JDBC URL (without a password in it)
     * @param user     the database user, or null
     * @param password the password, or null; read by the caller from a file or the environment, never the command line
     * @param query    the SQL query of this registry
     */
    public JdbcRegistrySource(String url, String user, char[] password, String query) {
        this.url = url;
        this.user = user;
        this.password = password == null ? null : password.clone();
        this.query = query;
    }

    @Override
    public String description() {
        return "jdbc source " + redact(url);
    }

    /** The URL up to its parameters (which may hold a password) and without user:password@ credentials. */
    static String redact(String url) {
        String base = url;
        for (char separator : new char[] {'?', ';'}) {
            int at = base.indexOf(separator);
            if (at >= 0) {
                base = base.substring(0, at);
            }
        }
        return base.replaceAll("//[^/@]*@", "//");
    }

    @Override
    public ParsedSource read(RegistryKind kind) {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", new String(password));
        }
        List<ImportProblem> problems = new ArrayList<>();
        List<RawRecord> records = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnLabel(i).toLowerCase(Locale.ROOT);
                    columns.add(column);
                    if (!kind.knows(column)) {
                        problems.add(new ImportProblem(description(), 0, "the query returns the unknown column \"" + CsvRegistrySource.printable(column) + "\""));
                    } else if (!seen.add(column)) {
                        problems.add(new ImportProblem(description(), 0, "the query returns the column \"" + column + "\" twice"));
                    }
                }
                for (String required : kind.required()) {
                    if (!seen.contains(required)) {
                        problems.add(new ImportProblem(description(), 0, "the query does not return the required column \"" + required + "\""));
                    }
                }
                if (!problems.isEmpty()) {
                    return new ParsedSource(description(), List.of(), problems);
                }
                int row = 0;
                while (rs.next()) {
                    row++;
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        Object value = rs.getObject(i);
                        if (value instanceof java.sql.Date date) {
                            fields.put(columns.get(i - 1), date.toLocalDate().toString());
                        } else if (value != null) {
                            fields.put(columns.get(i - 1), value.toString());
                        }
                    }
                    records.add(new RawRecord(row, fields));
                }
            }
        } catch (SQLException e) {
            // The driver's message may repeat the URL: keep only its first line, redacted, and not the cause (whose
            // message is not redacted) so that no log line can carry a password given in the URL.
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").replace(url, redact(url));
            throw new GridAuthException(CertManagerError.REGISTRY_SOURCE_UNREADABLE, description(), "SQLState " + e.getSQLState() + ": " + message);
        }
        return new ParsedSource(description(), records, problems);
    }
}
