package org.gridauth.idp.web;

import org.gridauth.idp.protocol.IdpEndpoints;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The IdP's metadata at the stable Shibboleth-style URL {@code /idp/shibboleth} (and {@code /idp/metadata}). */
@RestController
public class MetadataController {

    private final String xml;

    public MetadataController(@org.springframework.beans.factory.annotation.Qualifier("idpMetadataXml") String idpMetadataXml) {
        this.xml = idpMetadataXml;
    }

    @GetMapping({IdpEndpoints.METADATA_PATH, "/idp/metadata"})
    public ResponseEntity<String> metadata() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/samlmetadata+xml")).body(xml);
    }
}
