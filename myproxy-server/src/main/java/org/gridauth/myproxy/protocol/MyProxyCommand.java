package org.gridauth.myproxy.protocol;

import java.util.Optional;

/** The command codes of the MyProxy v2 protocol ({@code COMMAND=<n>}). */
public enum MyProxyCommand {
    GET(0), PUT(1), INFO(2), DESTROY(3), CHANGE_CRED_PASSPHRASE(4), STORE(5), RETRIEVE(6), GET_TRUSTROOTS(7);

    private final int code;

    MyProxyCommand(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MyProxyCommand> of(int code) {
        for (MyProxyCommand command : values()) {
            if (command.code == code) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}
