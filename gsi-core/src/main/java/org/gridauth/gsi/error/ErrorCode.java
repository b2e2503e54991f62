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

    /**
     * The texts of one entry; catalogue enums hold one each and need nothing else.
     *
     * @param code           the stable code
     * @param english        message template in English
     * @param japanese       message template in Japanese
     * @param actionEnglish  what to do, in English
     * @param actionJapanese what to do, in Japanese
     */
    record Text(String code, String english, String japanese, String actionEnglish, String actionJapanese) {

        /** An entry numbered within a module's prefix, e.g. {@code of("GA-MP", 2, ...)} is GA-MP-002. */
        public static Text of(String prefix, int number, String english, String japanese, String actionEnglish, String actionJapanese) {
            return new Text(String.format("%s-%03d", prefix, number), english, japanese, actionEnglish, actionJapanese);
        }
    }

    Text text();

    /** The stable code, for example {@code GA-CORE-001}. */
    default String code() {
        return text().code();
    }

    /** Message template in English. */
    default String english() {
        return text().english();
    }

    /** Message template in Japanese. */
    default String japanese() {
        return text().japanese();
    }

    /** What the reader should do, in English. */
    default String actionEnglish() {
        return text().actionEnglish();
    }

    /** What the reader should do, in Japanese. */
    default String actionJapanese() {
        return text().actionJapanese();
    }

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
