package org.gridauth.ra.web;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.gridauth.ra.RaError;

/**
 * Tomcat's own error page for requests it refuses before the portal sees them (an undecodable URL, a malformed
 * request line): the same GA-RA code, text and action in both languages as the portal's pages, never Tomcat's
 * report or a stack trace.
 */
public final class PortalErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        RaError code = status == 404 ? RaError.PAGE_NOT_FOUND : status >= 500 ? RaError.INTERNAL : RaError.INPUT_INVALID;
        Object[] args = code == RaError.INPUT_INVALID ? new Object[] {"request", "the browser sent a request the portal cannot read (HTTP " + status + ")"}
                : new Object[] {"HTTP " + status};
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + code.code() + "</title></head><body><main>"
                + "<h1>Request not completed / 申請は完了しませんでした</h1>"
                + "<div class=\"problem\" role=\"alert\" id=\"problem\"><p><strong>" + code.code() + "</strong> " + escape(code.format(java.util.Locale.ENGLISH, args))
                + "</p><p lang=\"ja\">" + escape(code.format(java.util.Locale.JAPANESE, args)) + "</p><p>What to do: " + escape(code.action(java.util.Locale.ENGLISH))
                + "</p><p lang=\"ja\">対処方法: " + escape(code.action(java.util.Locale.JAPANESE)) + "</p></div><p><a href=\"/\">Home / ホーム</a></p></main></body></html>";
        try {
            response.setContentType("text/html");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(html);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away; nothing more to tell it
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

}
