package org.gridauth.idp.web;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import java.util.Locale;

import org.gridauth.gsi.error.ErrorCode;

/** The IdP's two HTML pages, login and error, in Japanese or English. Every inserted value is HTML-escaped. */
final class Pages {

    private Pages() {
    }

    static String login(Locale locale, String csrf, String username, String errorCode, String errorMessage, String errorAction) {
        boolean ja = Language.japanese(locale);
        StringBuilder html = head(ja, ja ? "HPCI アカウントでサインイン" : "Sign in with your HPCI account");
        html.append("<h1>").append(ja ? "HPCI アカウントでサインイン" : "Sign in with your HPCI account").append("</h1>\n");
        if (errorCode != null) {
            html.append("<div class=\"error\" role=\"alert\"><p><strong>").append(htmlEscape(errorCode)).append("</strong> ")
                    .append(htmlEscape(errorMessage)).append("</p><p>").append(htmlEscape(errorAction)).append("</p></div>\n");
        }
        html.append("<form method=\"post\" action=\"login\">\n")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(htmlEscape(csrf)).append("\">\n")
                .append("<input type=\"hidden\" name=\"lang\" value=\"").append(ja ? "ja" : "en").append("\">\n")
                .append("<p><label for=\"username\">").append(ja ? "ユーザー名" : "User name").append("</label><br>")
                .append("<input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"")
                .append(htmlEscape(username == null ? "" : username)).append("\"></p>\n")
                .append("<p><label for=\"password\">").append(ja ? "パスワード" : "Password").append("</label><br>")
                .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\n")
                .append("<p><button type=\"submit\" id=\"login\">").append(ja ? "サインイン" : "Sign in").append("</button></p>\n")
                .append("</form>\n<p><a href=\"login?lang=").append(ja ? "en\">English" : "ja\">日本語").append("</a></p>\n");
        return tail(html);
    }

    static String error(Locale locale, ErrorCode code, String message) {
        boolean ja = Language.japanese(locale);
        StringBuilder html = head(ja, ja ? "サインオンできません" : "Sign-on not possible");
        html.append("<h1>").append(ja ? "サインオンできません" : "Sign-on not possible").append("</h1>\n")
                .append("<div class=\"error\" role=\"alert\"><p><strong id=\"code\">").append(htmlEscape(code.code())).append("</strong> ")
                .append(htmlEscape(message)).append("</p><p>").append(htmlEscape(code.action(locale))).append("</p></div>\n");
        return tail(html);
    }

    private static StringBuilder head(boolean ja, String title) {
        return new StringBuilder(2048).append("<!DOCTYPE html>\n<html lang=\"").append(ja ? "ja" : "en")
                .append("\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>")
                .append(htmlEscape(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;max-width:30em;margin:2em auto}.error{border:1px solid #c00;padding:0 1em}</style>")
                .append("</head><body>\n");
    }

    private static String tail(StringBuilder html) {
        return html.append("</body></html>\n").toString();
    }
}
