package org.gridauth.idp.web;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

/** Page language: {@code ?lang=ja|en} wins, then the browser's Accept-Language (Japanese if it comes first). */
final class Language {

    private Language() {
    }

    static Locale of(HttpServletRequest request) {
        String lang = request.getParameter("lang");
        if ("ja".equals(lang)) {
            return Locale.JAPANESE;
        }
        if ("en".equals(lang)) {
            return Locale.ENGLISH;
        }
        return "ja".equals(request.getLocale().getLanguage()) ? Locale.JAPANESE : Locale.ENGLISH;
    }

    static boolean japanese(Locale locale) {
        return "ja".equals(locale.getLanguage());
    }
}
