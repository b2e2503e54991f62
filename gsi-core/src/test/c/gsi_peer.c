/*
 * A Globus GSSAPI peer for gridauth's interop tests (GsiGlobusInteropTest). It connects to 127.0.0.1:<port>, where
 * the Java test listens, and plays one side of a GSI security context with Debian's libglobus-gssapi-gsi:
 *
 *   gsi_peer initiate <port> <target host> <none|full|limited>   (credential: X509_USER_PROXY)
 *   gsi_peer accept   <port>                                      (credential: X509_USER_CERT / X509_USER_KEY)
 *
 * Tokens travel as a 4-byte big-endian length and the token. After the context is established both sides
 * exchange: a wrapped message each way, then a MIC each way (token, then the message it covers). Every fact the
 * test checks is printed on stdout as KEY=VALUE; errors go to stderr with the GSS status text, exit status 1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gssapi.h>

static int fd = -1;

static void die_gss(const char *what, OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 ctx = 0, min;
    gss_buffer_desc text;
    fprintf(stderr, "%s failed (major %u minor %u)\n", what, major, minor);
    do {
        gss_display_status(&min, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &text);
        fprintf(stderr, "  %.*s\n", (int) text.length, (char *) text.value);
        gss_release_buffer(&min, &text);
    } while (ctx != 0);
    ctx = 0;
    do {
        gss_display_status(&min, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &text);
        fprintf(stderr, "  %.*s\n", (int) text.length, (char *) text.value);
        gss_release_buffer(&min, &text);
    } while (ctx != 0);
    exit(1);
}

static void full_write(const void *data, size_t length)
{
    const char *p = data;
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n <= 0) { perror("write"); exit(1); }
        p += n;
        length -= (size_t) n;
    }
}

static void full_read(void *data, size_t length)
{
    char *p = data;
    while (length > 0) {
        ssize_t n = read(fd, p, length);
        if (n <= 0) { fprintf(stderr, "the Java side closed the connection\n"); exit(1); }
        p += n;
        length -= (size_t) n;
    }
}

static void send_token(const gss_buffer_t token)
{
    uint32_t length = htonl((uint32_t) token->length);
    full_write(&length, 4);
    full_write(token->value, token->length);
}

static void recv_token(gss_buffer_t token)
{
    uint32_t length;
    full_read(&length, 4);
    token->length = ntohl(length);
    if (token->length > (1u << 24)) { fprintf(stderr, "token too large\n"); exit(1); }
    token->value = malloc(token->length + 1);
    full_read(token->value, token->length);
}

static void print_name(const char *key, gss_name_t name)
{
    OM_uint32 major, minor;
    gss_buffer_desc text;
    major = gss_display_name(&minor, name, &text, NULL);
    if (GSS_ERROR(major)) die_gss("gss_display_name", major, minor);
    printf("%s=%.*s\n", key, (int) text.length, (char *) text.value);
    gss_release_buffer(&minor, &text);
}

/* Both sides exchange one wrapped message and one MIC each way; the initiator speaks first. */
static void exchange(gss_ctx_id_t context, int initiator)
{
    OM_uint32 major, minor;
    int conf;
    gss_qop_t qop;
    const char *mine = initiator ? "wrapped by the C initiator" : "wrapped by the C acceptor";
    const char *mic_text = initiator ? "signed by the C initiator" : "signed by the C acceptor";
    int turn;
    for (turn = 0; turn < 2; turn++) {
        int sending = (turn == 0) == initiator;
        if (sending) {
            gss_buffer_desc in = { strlen(mine), (void *) mine }, out;
            major = gss_wrap(&minor, context, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
            if (GSS_ERROR(major)) die_gss("gss_wrap", major, minor);
            send_token(&out);
            gss_release_buffer(&minor, &out);
        } else {
            gss_buffer_desc in, out;
            recv_token(&in);
            major = gss_unwrap(&minor, context, &in, &out, &conf, &qop);
            if (GSS_ERROR(major)) die_gss("gss_unwrap", major, minor);
            printf("UNWRAPPED=%.*s\n", (int) out.length, (char *) out.value);
            gss_release_buffer(&minor, &out);
            free(in.value);
        }
    }
    for (turn = 0; turn < 2; turn++) {
        int sending = (turn == 0) == initiator;
        if (sending) {
            gss_buffer_desc message = { strlen(mic_text), (void *) mic_text }, mic;
            major = gss_get_mic(&minor, context, GSS_C_QOP_DEFAULT, &message, &mic);
            if (GSS_ERROR(major)) die_gss("gss_get_mic", major, minor);
            send_token(&mic);
            send_token(&message);
            gss_release_buffer(&minor, &mic);
        } else {
            gss_buffer_desc mic, message;
            recv_token(&mic);
            recv_token(&message);
            major = gss_verify_mic(&minor, context, &message, &mic, &qop);
            if (GSS_ERROR(major)) die_gss("gss_verify_mic", major, minor);
            printf("MIC_VERIFIED=%.*s\n", (int) message.length, (char *) message.value);
            free(mic.value);
            free(message.value);
        }
    }
}

static void initiate(const char *target, const char *delegation)
{
    OM_uint32 major, minor, flags = GSS_C_MUTUAL_FLAG, ret_flags = 0;
    gss_name_t target_name = GSS_C_NO_NAME, source = GSS_C_NO_NAME, peer = GSS_C_NO_NAME;
    gss_ctx_id_t context = GSS_C_NO_CONTEXT;
    gss_buffer_desc input = GSS_C_EMPTY_BUFFER, output;
    char service[512];
    snprintf(service, sizeof(service), "host@%s", target);
    gss_buffer_desc name_buffer = { strlen(service), service };
    major = gss_import_name(&minor, &name_buffer, GSS_C_NT_HOSTBASED_SERVICE, &target_name);
    if (GSS_ERROR(major)) die_gss("gss_import_name", major, minor);
    if (strcmp(delegation, "full") == 0) flags |= GSS_C_DELEG_FLAG;
    if (strcmp(delegation, "limited") == 0) flags |= GSS_C_DELEG_FLAG | GSS_C_GLOBUS_LIMITED_DELEG_PROXY_FLAG;
    for (;;) {
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &context, target_name, GSS_C_NO_OID, flags, 0,
                                     GSS_C_NO_CHANNEL_BINDINGS, &input, NULL, &output, &ret_flags, NULL);
        if (input.value) { free(input.value); input.value = NULL; input.length = 0; }
        if (GSS_ERROR(major)) die_gss("gss_init_sec_context", major, minor);
        if (output.length > 0) {
            send_token(&output);
            gss_release_buffer(&minor, &output);
        }
        if (!(major & GSS_S_CONTINUE_NEEDED)) break;
        recv_token(&input);
    }
    major = gss_inquire_context(&minor, context, &source, &peer, NULL, NULL, NULL, NULL, NULL);
    if (GSS_ERROR(major)) die_gss("gss_inquire_context", major, minor);
    print_name("SOURCE", source);
    print_name("TARGET", peer);
    printf("DELEGATED_FLAG=%d\n", (ret_flags & GSS_C_DELEG_FLAG) ? 1 : 0);
    fflush(stdout);
    exchange(context, 1);
}

static void accept_context(void)
{
    OM_uint32 major, minor, ret_flags = 0;
    gss_ctx_id_t context = GSS_C_NO_CONTEXT;
    gss_name_t source = GSS_C_NO_NAME;
    gss_cred_id_t delegated = GSS_C_NO_CREDENTIAL;
    gss_buffer_desc input, output;
    for (;;) {
        recv_token(&input);
        major = gss_accept_sec_context(&minor, &context, GSS_C_NO_CREDENTIAL, &input, GSS_C_NO_CHANNEL_BINDINGS,
                                       &source, NULL, &output, &ret_flags, NULL, &delegated);
        free(input.value);
        if (GSS_ERROR(major)) die_gss("gss_accept_sec_context", major, minor);
        if (output.length > 0) {
            send_token(&output);
            gss_release_buffer(&minor, &output);
        }
        if (!(major & GSS_S_CONTINUE_NEEDED)) break;
    }
    print_name("SOURCE", source);
    if (delegated != GSS_C_NO_CREDENTIAL) {
        gss_buffer_desc exported;
        /* Globus extension: option 1 writes the credential to a file and returns X509_USER_PROXY=<path>. */
        major = gss_export_cred(&minor, delegated, GSS_C_NO_OID, 1, &exported);
        if (GSS_ERROR(major)) die_gss("gss_export_cred", major, minor);
        printf("DELEGATED=%.*s\n", (int) exported.length, (char *) exported.value);
        gss_release_buffer(&minor, &exported);
    } else {
        printf("DELEGATED=none\n");
    }
    fflush(stdout);
    exchange(context, 0);
}

int main(int argc, char **argv)
{
    struct sockaddr_in address;
    if (argc < 3) {
        fprintf(stderr, "usage: %s initiate <port> <target host> <none|full|limited> | accept <port>\n", argv[0]);
        return 2;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t) atoi(argv[2]));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *) &address, sizeof(address)) != 0) { perror("connect"); return 1; }
    if (strcmp(argv[1], "initiate") == 0 && argc == 5) {
        initiate(argv[3], argv[4]);
    } else if (strcmp(argv[1], "accept") == 0) {
        accept_context();
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 2;
    }
    printf("DONE=1\n");
    close(fd);
    return 0;
}
