package org.gridauth.gsissh;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/** The GSI-SSH gateway's error catalogue (GA-SSH-nnn): what the audit log and the operator see. */
public enum GsisshError implements ErrorCode {

    NOT_MAPPED(1,
            "No grid-mapfile entry lets \"{0}\" log in as \"{1}\".",
            "grid-mapfile に「{0}」が「{1}」としてログインできるエントリがありません。",
            "Ask the site to add the DN to the grid-mapfile (gridmap sync), or log in with the account it maps to.",
            "拠点に DN の grid-mapfile への追加 (gridmap sync) を依頼するか、対応付けられたアカウントでログインしてください。"),
    GSS_FAILED(2,
            "GSI authentication from {0} failed: {1}",
            "{0} からの GSI 認証に失敗しました: {1}",
            "Create a fresh proxy (myproxy-logon or grid-proxy-init) from a certificate the site trusts and check the CRL.",
            "拠点が信頼する証明書から新しいプロキシを作成し (myproxy-logon または grid-proxy-init)、CRL を確認してください。"),
    MIC_FAILED(3,
            "The gssapi-with-mic integrity check from {0} did not verify: {1}",
            "{0} からの gssapi-with-mic の完全性検査に失敗しました: {1}",
            "Retry; if it persists, report the client software and version.",
            "再試行してください。続く場合はクライアントのソフトウェアとバージョンを報告してください。"),
    ACCOUNT_UNKNOWN(4,
            "The local account \"{0}\" does not exist on this host.",
            "ローカルアカウント「{0}」はこのホストに存在しません。",
            "Create the account, or fix the grid-mapfile entry that names it.",
            "アカウントを作成するか、それを指す grid-mapfile のエントリを修正してください。"),
    NOT_ROOT(5,
            "The gateway does not run as root, so it cannot start a session as \"{0}\".",
            "ゲートウェイが root で動作していないため、「{0}」としてセッションを開始できません。",
            "Run the gateway as root, or map users only to the account the gateway runs as.",
            "ゲートウェイを root で実行するか、ゲートウェイの実行アカウントだけに対応付けてください。"),
    THROTTLED(6,
            "Too many failed logins from {0}; refused until {1}.",
            "{0} からのログイン失敗が多すぎるため、{1} まで拒否します。",
            "Wait, then log in with a valid proxy; administrators see each failure in the audit log.",
            "しばらく待ってから有効なプロキシでログインしてください。管理者は監査ログで失敗を確認できます。"),
    GRIDMAP_UNREADABLE(7,
            "The grid-mapfile {0} cannot be used: {1}",
            "grid-mapfile {0} を使用できません: {1}",
            "Fix the file (gridmap check) or regenerate it (gridmap sync); until then nobody is mapped.",
            "ファイルを修正する (gridmap check) か再生成してください (gridmap sync)。それまで誰も対応付けられません。"),
    FORWARD_REFUSED(8,
            "Forwarding to {0} is not in the gateway''s allow-list.",
            "{0} への転送はゲートウェイの許可リストにありません。",
            "Ask the site to add the VM or host to forward_allow; jump only to listed hosts.",
            "拠点に転送許可リスト (forward_allow) への追加を依頼してください。許可されたホストにのみジャンプできます。");

    private final Text text;

    GsisshError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-SSH", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("gsissh-gateway", "GA-SSH", GsisshError.class);
        }
    }
}
