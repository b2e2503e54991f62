package org.gridauth.idp.protocol;

import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Writes a DOM that OpenSAML marshalled (and Santuario signed) as XML text, without the JDK's LSSerializer, which
 * took a sixth of a sign-on's CPU in the load profile. OpenSAML declares every namespace it uses as an xmlns
 * attribute, so writing elements, attributes and text as they are is enough; the writer checks that each prefix is
 * declared in scope and returns null (the caller then falls back to the JDK serializer) for anything it does not
 * handle: undeclared prefixes, comments, processing instructions, entity references.
 */
final class DomWriter {

    private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";

    /** A namespace binding in scope; the chain ends at null. */
    private record Scope(String prefix, String uri, Scope parent) {
        String lookup(String wanted) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.prefix.equals(wanted)) {
                    return s.uri;
                }
            }
            return null;
        }
    }

    private DomWriter() {
    }

    /** The element as XML text, or null when the DOM has something this writer does not handle. */
    static String write(Element root) {
        StringBuilder out = new StringBuilder(8192);
        return element(root, out, null) ? out.toString() : null;
    }

    private static boolean element(Element element, StringBuilder out, Scope scope) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attr = (Attr) attributes.item(i);
            String name = attr.getName();
            if (name.equals("xmlns")) {
                scope = new Scope("", attr.getValue(), scope);
            } else if (name.startsWith("xmlns:")) {
                scope = new Scope(name.substring(6), attr.getValue(), scope);
            }
        }
        if (!declared(element.getPrefix(), element.getNamespaceURI(), scope, true)) {
            return false;
        }
        out.append('<').append(element.getTagName());
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attr = (Attr) attributes.item(i);
            String name = attr.getName();
            boolean declaration = name.equals("xmlns") || name.startsWith("xmlns:");
            if (!declaration && attr.getPrefix() != null && !declared(attr.getPrefix(), attr.getNamespaceURI(), scope, false)) {
                return false;
            }
            out.append(' ').append(name).append("=\"");
            escape(attr.getValue(), out, true);
            out.append('"');
        }
        Node child = element.getFirstChild();
        if (child == null) {
            out.append("/>");
            return true;
        }
        out.append('>');
        for (; child != null; child = child.getNextSibling()) {
            switch (child.getNodeType()) {
                case Node.ELEMENT_NODE -> {
                    if (!element((Element) child, out, scope)) {
                        return false;
                    }
                }
                case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> escape(child.getNodeValue(), out, false);
                default -> {
                    return false;
                }
            }
        }
        out.append("</").append(element.getTagName()).append('>');
        return true;
    }

    private static boolean declared(String prefix, String uri, Scope scope, boolean element) {
        if (prefix == null || prefix.isEmpty()) {
            if (!element) {
                return true;
            }
            String bound = scope == null ? null : scope.lookup("");
            return uri == null || uri.isEmpty() ? bound == null || bound.isEmpty() : uri.equals(bound);
        }
        if (prefix.equals("xml")) {
            return XML_NS.equals(uri);
        }
        return scope != null && uri != null && uri.equals(scope.lookup(prefix));
    }

    private static void escape(String text, StringBuilder out, boolean attribute) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#13;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
                default -> out.append(c);
            }
        }
    }
}
