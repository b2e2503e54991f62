package org.gridauth.myproxy;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/** The myproxy-server error catalogue (GA-MP-nnn). These texts reach users through myproxy-* client output. */
public enum MyProxyError implements ErrorCode {

    NO_CREDENTIAL(1,
            "No credential for user \"{0}\"{1}.",
            "ユーザー「{0}」{1}の資格情報はありません。",
            "Check the user name (-l) and credential name (-k); store a credential first with myproxy-init.",
            "ユーザー名 (-l) と資格情報名 (-k) を確認してください。先に myproxy-init で資格情報を格納してください。"),
    WRONG_PASSPHRASE(2,
            "invalid credential passphrase for user \"{0}\".",
            "ユーザー「{0}」のパスフレーズが違います。",
            "Enter the passphrase given when the credential was stored. After repeated failures the credential is locked for a while.",
            "資格情報を格納したときのパスフレーズを入力してください。失敗が続くとしばらくロックされます。"),
    LOCKED(3,
            "The credential of user \"{0}\" is locked after repeated wrong pass phrases until {1}.",
            "ユーザー「{0}」の資格情報はパスフレーズの誤りが続いたため {1} までロックされています。",
            "Wait until the time shown, then try again with the right passphrase.",
            "表示された時刻まで待ってから、正しいパスフレーズで再試行してください。"),
    NOT_AUTHORIZED_RETRIEVER(4,
            "\"{0}\" is not authorized to retrieve credentials from this server.",
            "「{0}」はこのサーバーから資格情報を取得する権限がありません。",
            "Ask the repository administrator to add your DN to authorized_retrievers, or use the credential''s retriever.",
            "リポジトリ管理者に authorized_retrievers への DN 追加を依頼するか、許可された取得者を使ってください。"),
    NOT_AUTHORIZED_STORE(5,
            "\"{0}\" is not authorized to store credentials on this server.",
            "「{0}」はこのサーバーに資格情報を格納する権限がありません。",
            "Authenticate with a certificate from a CA the server accepts (accepted_credentials).",
            "サーバーが受け入れる CA の証明書で認証してください (accepted_credentials)。"),
    NOT_OWNER(6,
            "The credential of user \"{0}\" belongs to another identity; only its owner may do this.",
            "ユーザー「{0}」の資格情報は別の所有者のものです。この操作は所有者だけが行えます。",
            "Authenticate with the certificate (or a proxy of it) that stored the credential.",
            "資格情報を格納した証明書 (またはそのプロキシ) で認証してください。"),
    PASSPHRASE_POLICY(7,
            "The pass phrase is too short: at least {0} characters are required.",
            "パスフレーズが短すぎます。{0} 文字以上必要です。",
            "Choose a longer passphrase.",
            "より長いパスフレーズを選んでください。"),
    EXPIRED_CREDENTIAL(8,
            "The stored credential of user \"{0}\" expired at {1}.",
            "ユーザー「{0}」の格納済み資格情報は {1} に期限切れになりました。",
            "Store a fresh credential with myproxy-init (or through the portal).",
            "myproxy-init (またはポータル) で新しい資格情報を格納してください。"),
    PROTOCOL(9,
            "Protocol error: {0}.",
            "プロトコルエラー: {0}。",
            "Use a MyProxy v2 client (myproxy-logon, myproxy-init); if it persists, report the client version.",
            "MyProxy v2 のクライアント (myproxy-logon、myproxy-init) を使ってください。続く場合はクライアントのバージョンを報告してください。"),
    AUTHENTICATION_REQUIRED(10,
            "This operation needs an authenticated client; the connection was anonymous.",
            "この操作には認証されたクライアントが必要ですが、接続は匿名でした。",
            "Create a proxy first (grid-proxy-init or myproxy-logon) so the client authenticates.",
            "先にプロキシを作成して (grid-proxy-init または myproxy-logon) 認証してください。"),
    DELEGATION_MISMATCH(11,
            "The delegated certificate does not match the server''s request or the client''s identity: {0}.",
            "委譲された証明書がサーバーの要求またはクライアントの識別名と一致しません: {0}。",
            "Run myproxy-init again with an unmodified client.",
            "改変されていないクライアントで myproxy-init を再実行してください。"),
    UNSUPPORTED(12,
            "The command {0} is not supported by this server yet.",
            "コマンド {0} はこのサーバーではまだサポートされていません。",
            "Use GET, PUT, INFO, DESTROY, CHANGE_CRED_PASSPHRASE, STORE, RETRIEVE or GET_TRUSTROOTS.",
            "GET、PUT、INFO、DESTROY、CHANGE_CRED_PASSPHRASE、STORE、RETRIEVE、GET_TRUSTROOTS を使ってください。"),
    INTERNAL(13,
            "The server could not complete the request ({0}); nothing was changed.",
            "サーバーは要求を完了できませんでした ({0})。何も変更されていません。",
            "Try again later; administrators find the cause in the server log under the same time.",
            "時間をおいて再試行してください。管理者は同時刻のサーバーログで原因を確認できます。"),
    NO_AUTHENTICATION(14,
            "authentication failed: no pass phrase was given for user \"{0}\" and no other authentication is allowed for this client.",
            "認証に失敗しました: ユーザー「{0}」のパスフレーズが入力されず、このクライアントには他の認証方法も許可されていません。",
            "Give the credential passphrase; renewal with myproxy-logon -a works only for credentials stored without one (myproxy-init -n with -R).",
            "資格情報のパスフレーズを入力してください。myproxy-logon -a による更新はパスフレーズなしで格納した資格情報 (myproxy-init -n と -R) に限られます。"),
    SELF_AUTHORIZATION(15,
            "self-authz not allowed: \"{0}\" may not renew or retrieve without a pass phrase a credential of its own identity.",
            "自己認可は許可されていません: 「{0}」は自分と同じ識別名の資格情報をパスフレーズなしで更新・取得できません。",
            "Renew from the service named in the credential''s renewer policy, or ask the administrator about allow_self_authorization.",
            "資格情報の更新者ポリシーに指定されたサービスから更新するか、allow_self_authorization について管理者に相談してください。"),
    RENEWAL_FAILED(16,
            "Renewal authentication failed: {0}.",
            "更新のための認証に失敗しました: {0}。",
            "Give myproxy-logon -a a valid, unexpired proxy of the same identity as the stored credential.",
            "myproxy-logon -a には、格納済み資格情報と同じ識別名の有効期限内のプロキシを指定してください。"),
    LIMITED_PROXY(17,
            "A client authenticated with a limited proxy may not retrieve the full credential of user \"{0}\".",
            "制限付きプロキシで認証したクライアントはユーザー「{0}」の完全な資格情報を取得できません。",
            "Authenticate with a full proxy or your own certificate to retrieve keys.",
            "鍵を取得するには完全なプロキシまたは自分の証明書で認証してください。"),
    PASSPHRASE_REJECTED(18,
            "The pass phrase was rejected by the server''s passphrase policy: {0}",
            "パスフレーズはサーバーのパスフレーズポリシーにより拒否されました: {0}",
            "Choose a passphrase that satisfies the policy described in the message.",
            "メッセージに示されたポリシーを満たすパスフレーズを選んでください。"),
    BAD_POLICY(19,
            "The {0} policy \"{1}\" is not a valid DN pattern.",
            "{0} ポリシー「{1}」は有効な DN パターンではありません。",
            "Write the DN pattern as myproxy-init documents it (* for any characters, ? for one, | between alternatives).",
            "DN パターンは myproxy-init の説明どおりに記述してください (* は任意の文字列、? は 1 文字、| で選択肢を区切る)。");

    private final Text text;

    MyProxyError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-MP", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("myproxy-server", "GA-MP", MyProxyError.class);
        }
    }
}
