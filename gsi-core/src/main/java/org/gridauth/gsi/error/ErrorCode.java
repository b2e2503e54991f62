package org.gridauth.gsi.error;

import java.text.MessageFormat;
import java.util.Locale;

/**
 * One entry of a module's error catalogue: a stable code (GA-&lt;MODULE&gt;-&lt;NNN&gt;), the message in English and
 * Japanese with {@link MessageFormat} placeholders, and what the reader should do about it.
 *
 * <p>Codes never change meaning once released: operators search manuals and tickets by them.
 * Arguments must never carry secrets (passphrases, private keys); messages end up in logs.
 */
public interface ErrorCode {

    /** The stable code, for example {@code GA-CORE-001}. */
    String code();

    /** Message template in English. */
    String english();

    /** Message template in Japanese. */
    String japanese();

    /** What the reader should do, in English. */
    String actionEnglish();

    /** What the reader should do, in Japanese. */
    String actionJapanese();

    /** The message in the given language (Japanese for {@code ja}, English otherwise) with the arguments filled in. */
    default String format(Locale locale, Object... args) {
        boolean japanese = locale != null && "ja".equals(locale.getLanguage());
        String template = japanese ? japanese() : english();
        // Numbers are bit sizes, line numbers and serials: print them plainly, never as "1,024".
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = args[i] instanceof Number n ? n.toString() : args[i];
        }
        return new MessageFormat(template, japanese ? Locale.JAPANESE : Locale.ENGLISH).format(plain);
    }

    /** What to do, in the given language. */
    default String action(Locale locale) {
        boolean japanese = locale != null && "ja".equals(locale.getLanguage());
        // Formatted like the message so that the same quoting rule ('' for an apostrophe) holds everywhere.
        return new MessageFormat(japanese ? actionJapanese() : actionEnglish()).format(new Object[0]);
    }
}
