package org.gridauth.ra.web;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * Language (R-RA-9 of the issue: Japanese and English): the browser's Accept-Language first, then the person's
 * choice ({@code ?lang=ja|en}, kept in a cookie). Anything but Japanese is shown in English.
 */
@Configuration
public class WebConfiguration implements WebMvcConfigurer {

    static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.JAPANESE);

    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver("GRIDAUTH_RA_LANG") {
            @Override
            public Locale resolveLocale(HttpServletRequest request) {
                Locale chosen = super.resolveLocale(request);
                return chosen != null && "ja".equals(chosen.getLanguage()) ? Locale.JAPANESE : Locale.ENGLISH;
            }
        };
        resolver.setDefaultLocaleFunction(request -> {
            Locale best = request.getLocales().hasMoreElements() ? request.getLocale() : Locale.ENGLISH;
            return "ja".equals(best.getLanguage()) ? Locale.JAPANESE : Locale.ENGLISH;
        });
        resolver.setCookieMaxAge(Duration.ofDays(365));
        resolver.setCookieSameSite("Lax");
        return resolver;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        registry.addInterceptor(change);
    }
}
