package org.gridauth.certmanager;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/**
 * The cert-manager error catalogue (GA-CM-nnn). These texts reach researchers through the portal, site
 * administrators through the feed and gridmap-tool, and operators through the log. Arguments never carry
 * passphrases or key material.
 *
 * <p>Numbers 1-99: store, issuance, proxies, MyProxy, mail, the portal API. Numbers 100-199: office registries,
 * grid-mapfile templates and the sites' feed.
 */
public enum CertManagerError implements ErrorCode {

    CONFIGURATION_INVALID(1,
            "The certificate manager configuration is not valid ({0}): {1}.",
            "証明書管理サーバーの設定が正しくありません ({0}): {1}。",
            "Correct the named setting in cert-manager.conf and start the service again.",
            "cert-manager.conf の該当する設定を修正して、サービスを再起動してください。"),
    DATABASE_UNAVAILABLE(2,
            "The certificate manager database cannot be used: {0}.",
            "証明書管理サーバーのデータベースを使用できません: {0}。",
            "Check that the database is running and reachable with the configured URL and user; nothing was changed.",
            "データベースが起動していて、設定した URL とユーザーで接続できることを確認してください。何も変更されていません。"),
    WRONG_PASSPHRASE(3,
            "The private-key passphrase for account \"{0}\" is wrong.",
            "アカウント「{0}」の秘密鍵パスフレーズが違います。",
            "Enter the passphrase you chose when the certificate was issued. The certificate manager cannot recover a forgotten passphrase: revoke the certificate and get a new one.",
            "証明書発行時に決めたパスフレーズを入力してください。忘れたパスフレーズは復元できません。証明書を失効させて新しい証明書を取得してください。"),
    NO_ACCOUNT(4,
            "No account for HPCI-ID \"{0}\" in the certificate manager.",
            "HPCI-ID「{0}」のアカウントは証明書管理サーバーにありません。",
            "Obtain a client certificate through the portal first; the account is created with it.",
            "先にポータルでクライアント証明書を取得してください。アカウントはその際に作成されます。"),
    NO_STORED_CREDENTIAL(5,
            "Account \"{0}\" has no valid credential kept in the certificate manager.",
            "アカウント「{0}」には証明書管理サーバーに保管された有効な資格情報がありません。",
            "Proxies can be made only from a certificate kept in the certificate manager; obtain one with the destination \"certificate manager\", or use myproxy-logon if yours went to MyProxy.",
            "プロキシは証明書管理サーバーに保管された証明書からのみ作成できます。保管先を「証明書管理サーバー」にして証明書を取得するか、MyProxy に保管した場合は myproxy-logon を使ってください。"),
    CSR_INVALID(6,
            "The certificate request is not valid: {0}.",
            "証明書要求 (CSR) が正しくありません: {0}。",
            "Create the request again (openssl req -new, RSA 2048 bits or more) and send the PEM text unchanged.",
            "証明書要求を作り直して (openssl req -new、RSA 2048 ビット以上)、PEM テキストをそのまま送ってください。"),
    KEY_MISMATCH(7,
            "The certificate the CA returned does not match the key of this request ({0}).",
            "CA が返した証明書はこの要求の鍵と一致しません ({0})。",
            "Nothing was stored. Report this to the CA operators with the time of the request.",
            "何も保存されていません。要求した時刻を添えて CA 運用者に報告してください。"),
    NOT_YOUR_ACCOUNT(8,
            "\"{0}\" may not act on the account of HPCI-ID \"{1}\".",
            "「{0}」は HPCI-ID「{1}」のアカウントを操作できません。",
            "Sign in as the account''s owner; the portal acts only for the signed-in researcher.",
            "アカウントの所有者としてサインインしてください。ポータルはサインインした研究者本人のためにのみ操作します。"),
    PROXY_LIFETIME_OVER_CAP(9,
            "A proxy lifetime of {0} hours was requested; at most {1} hours are allowed.",
            "プロキシの有効期間として {0} 時間が要求されましたが、上限は {1} 時間です。",
            "Ask for a shorter lifetime; renew the proxy when it runs out.",
            "より短い有効期間を指定してください。期限が切れたらプロキシを更新してください。"),
    ATTRIBUTE_NOT_HELD(10,
            "HPCI-ID \"{0}\" does not hold the VO attribute {1}.",
            "HPCI-ID「{0}」は VO 属性 {1} を持っていません。",
            "Choose a VO, group and role of a project you belong to; ask the HPCI office if a membership is missing.",
            "所属するプロジェクトの VO・グループ・ロールを選んでください。所属が登録されていない場合は HPCI 事務局に問い合わせてください。"),
    CA_REFUSED(11,
            "The CA refused the request: {0}.",
            "CA が要求を拒否しました: {0}。",
            "Read the CA''s reason; correct the request or ask the CA operators.",
            "CA の理由を確認し、要求を修正するか CA 運用者に問い合わせてください。"),
    CA_UNREACHABLE(12,
            "The CA at {0} cannot be reached: {1}.",
            "{0} の CA に接続できません: {1}。",
            "Nothing was issued or stored; try again later. Operators: check the RA link (11412/tcp), its certificates and the CA service.",
            "何も発行・保存されていません。時間をおいて再試行してください。運用者は RA リンク (11412/tcp)、その証明書、CA サービスを確認してください。"),
    MYPROXY_REFUSED(13,
            "The MyProxy server refused the credential: {0}.",
            "MyProxy サーバーが資格情報を拒否しました: {0}。",
            "Read the server''s reason (for example the passphrase policy) and try again.",
            "サーバーの理由 (パスフレーズのポリシーなど) を確認して再試行してください。"),
    MYPROXY_UNREACHABLE(14,
            "The MyProxy server at {0} cannot be reached: {1}.",
            "{0} の MyProxy サーバーに接続できません: {1}。",
            "Try again later; operators: check myproxy-server (7512/tcp) and its host certificate.",
            "時間をおいて再試行してください。運用者は myproxy-server (7512/tcp) とそのホスト証明書を確認してください。"),
    CN_IN_USE(15,
            "The common name \"{0}\" is already used by another certificate.",
            "コモンネーム「{0}」は既に別の証明書で使われています。",
            "No certificate was issued. Ask the CA operators; two researchers may not share a CN.",
            "証明書は発行されていません。CA 運用者に問い合わせてください。同じ CN を 2 人の研究者が使うことはできません。"),
    VALID_CERTIFICATE_EXISTS(16,
            "HPCI-ID \"{0}\" already has a valid client certificate (serial {1}).",
            "HPCI-ID「{0}」には既に有効なクライアント証明書 (シリアル {1}) があります。",
            "Use the certificate you have, or revoke it first if the key is lost; renewal replaces it.",
            "既存の証明書を使うか、鍵を紛失した場合は先に失効させてください。更新すると置き換えられます。"),
    PASSPHRASE_TOO_WEAK(17,
            "The {0} is too short: at least {1} characters are required.",
            "{0}が短すぎます。{1} 文字以上必要です。",
            "Choose a longer passphrase; a sentence of several words is easy to remember.",
            "より長いパスフレーズを選んでください。複数の単語からなる文は覚えやすくなります。"),
    PASSPHRASES_DIFFER(18,
            "The {0} and its confirmation differ.",
            "{0}と確認用の入力が一致しません。",
            "Type the same passphrase twice.",
            "同じパスフレーズを 2 回入力してください。"),
    REQUEST_INVALID(19,
            "The request is not valid: {0}.",
            "要求が正しくありません: {0}。",
            "Correct the named field; the API is described in the certificate manager manual.",
            "指摘された項目を修正してください。API は証明書管理サーバーのマニュアルに記載されています。"),
    CLIENT_NOT_AUTHORIZED(20,
            "The client \"{0}\" is not authorized for {1}.",
            "クライアント「{0}」は {1} を許可されていません。",
            "Operators: add the portal''s certificate DN to portal_clients, or register the site''s host certificate.",
            "運用者はポータル証明書の DN を portal_clients に追加するか、サイトのホスト証明書を登録してください。"),
    MAIL_FAILED(21,
            "The notification mail to {0} could not be sent: {1}.",
            "{0} への通知メールを送信できませんでした: {1}。",
            "The certificate was issued; operators: check the SMTP settings (mail_host, mail_port) and the mail server.",
            "証明書は発行されています。運用者は SMTP 設定 (mail_host、mail_port) とメールサーバーを確認してください。"),
    REQUEST_IN_PROGRESS(22,
            "Request {0} is still being processed.",
            "要求 {0} はまだ処理中です。",
            "Wait a moment and send the same request again; it will not be issued twice.",
            "しばらく待ってから同じ要求を再送してください。二重に発行されることはありません。"),
    ACCOUNT_CONFLICT(23,
            "The account data conflict with the account on record: {0}.",
            "アカウント情報が登録済みのアカウントと矛盾します: {0}。",
            "Check the HPCI-ID and ePPN the portal sends; ask the HPCI office if the researcher''s ePPN changed.",
            "ポータルが送る HPCI-ID と ePPN を確認してください。研究者の ePPN が変わった場合は HPCI 事務局に問い合わせてください。"),
    NOT_FOUND(24,
            "No {0} \"{1}\".",
            "{0}「{1}」はありません。",
            "Check the identifier; it may have been removed.",
            "識別子を確認してください。削除された可能性があります。"),
    PASSPHRASE_LOCKED(25,
            "The stored key of HPCI-ID \"{0}\" is locked after repeated wrong passphrases until {1}.",
            "HPCI-ID「{0}」の保管鍵はパスフレーズの誤りが続いたため {1} までロックされています。",
            "Wait until the time shown and enter the right passphrase; if you forgot it, revoke the certificate and get a new one.",
            "表示された時刻まで待ってから正しいパスフレーズを入力してください。忘れた場合は証明書を失効させて新しい証明書を取得してください。"),

    // --- registries, grid-mapfile templates and the sites' feed (GA-CM-1xx) ---
    ;

    private final Text text;

    CertManagerError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-CM", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("cert-manager", "GA-CM", CertManagerError.class);
        }
    }
}
