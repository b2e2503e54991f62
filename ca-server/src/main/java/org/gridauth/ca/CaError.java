package org.gridauth.ca;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/**
 * The ca-server error catalogue (GA-CA-nnn). These texts reach CA operators (ceremony and admin commands, the CA
 * log) and, through the RA, the people who asked for a certificate. Arguments never carry PINs, passphrases or key
 * material.
 */
public enum CaError implements ErrorCode {

    TOKEN_UNAVAILABLE(1,
            "The HSM token in slot {0} of the PKCS#11 library {1} cannot be used: {2}.",
            "PKCS#11 ライブラリ {1} のスロット {0} の HSM トークンを使用できません: {2}。",
            "Check that the HSM is connected and initialised (softhsm2-util --show-slots or the vendor tool) and that the library path and slot in the CA configuration are right.",
            "HSM が接続・初期化されていること (softhsm2-util --show-slots またはベンダーのツール) と、CA 設定のライブラリパスとスロットが正しいことを確認してください。"),
    TOKEN_LOGIN_FAILED(2,
            "Logging in to the HSM token in slot {0} failed: {1}.",
            "スロット {0} の HSM トークンへのログインに失敗しました: {1}。",
            "Check the user PIN in the PIN file named in the configuration; repeated wrong PINs lock the token.",
            "設定で指定した PIN ファイルのユーザー PIN を確認してください。PIN の誤りが続くとトークンがロックされます。"),
    TOKEN_KEY_MISSING(3,
            "The token in slot {0} holds no CA key with the label \"{1}\".",
            "スロット {0} のトークンにラベル「{1}」の CA 鍵がありません。",
            "Run the key ceremony first, or correct the key label in the configuration (pkcs11-tool --list-objects shows the labels).",
            "先に鍵生成式典 (キーセレモニー) を実施するか、設定の鍵ラベルを修正してください (ラベルは pkcs11-tool --list-objects で確認できます)。"),
    TOKEN_KEY_EXISTS(4,
            "The token in slot {0} already holds a key with the label \"{1}\"; the ceremony does not overwrite keys.",
            "スロット {0} のトークンには既にラベル「{1}」の鍵があります。キーセレモニーは鍵を上書きしません。",
            "Choose another key label, or use a fresh token; remove an old key only with the HSM''s own tools after a backup.",
            "別の鍵ラベルを指定するか新しいトークンを使ってください。古い鍵は、バックアップの後に HSM 自身のツールでのみ削除してください。"),
    KEY_NOT_PROTECTED(5,
            "The key generated in the token in slot {0} can be extracted from it; the ceremony was stopped and the key is not used.",
            "スロット {0} のトークンで生成した鍵は取り出し可能な状態です。キーセレモニーを中止し、この鍵は使用しません。",
            "Configure the token so that private keys are generated sensitive and non-extractable, then run the ceremony again.",
            "秘密鍵が sensitive かつ取り出し不可で生成されるようにトークンを設定し、キーセレモニーをやり直してください。"),
    SOFTWARE_KEY_IN_USE(6,
            "The CA key is a software key in {0}, not in an HSM.",
            "CA 鍵は HSM ではなくソフトウェア鍵 ({0}) です。",
            "Use this only for the embedded demo; a production CA keeps its key in an HSM reached through PKCS#11.",
            "組み込みのデモ用途に限って使ってください。本番の CA は PKCS#11 経由で HSM に鍵を保管します。"),
    SIGNING_FAILED(7,
            "Signing with the CA key ({0}) failed: {1}.",
            "CA 鍵 ({0}) による署名に失敗しました: {1}。",
            "Check that the HSM is reachable and the token logged in; nothing was issued. Restart the CA if the token was reset.",
            "HSM に到達でき、トークンにログインしていることを確認してください。何も発行されていません。トークンがリセットされた場合は CA を再起動してください。"),
    SECRET_FILE_UNREADABLE(8,
            "Cannot read the {0} from {1}: {2}.",
            "{1} から {0} を読み込めません: {2}。",
            "Create the file readable only by the CA user (mode 400) holding the secret on its first line.",
            "CA の実行ユーザーだけが読めるファイル (モード 400) を作り、1 行目に秘密の値を書いてください。"),
    CEREMONY_INVALID(9,
            "The key ceremony cannot start: {0}.",
            "キーセレモニーを開始できません: {0}。",
            "Correct the ceremony parameters (operators, CA subject, key size of at least 2048 bits) and run it again.",
            "キーセレモニーのパラメータ (立会者、CA の DN、2048 ビット以上の鍵長) を修正して再実行してください。"),

    CSR_MALFORMED(10,
            "The certificate request is not a valid PKCS#10 request: {0}.",
            "証明書署名要求 (CSR) が正しい PKCS#10 形式ではありません: {0}。",
            "Create the request again with a standard tool (openssl req, the portal) and send it unmodified, PEM or DER.",
            "標準ツール (openssl req、ポータル) で CSR を作り直し、PEM または DER のまま改変せずに送ってください。"),
    CSR_BAD_SIGNATURE(11,
            "The self-signature of the certificate request for \"{0}\" does not verify.",
            "「{0}」の証明書署名要求の自己署名が検証できません。",
            "The request was altered or signed with another key; create it again with the key it certifies.",
            "CSR が改変されたか別の鍵で署名されています。証明する鍵で CSR を作り直してください。"),
    CSR_WEAK_KEY(12,
            "The {0}-bit {1} key of the request is below the minimum of {2} bits of the \"{3}\" profile.",
            "CSR の {0} ビットの {1} 鍵は、プロファイル「{3}」の最小値 {2} ビットに足りません。",
            "Generate a new key of at least the minimum size and a new request.",
            "最小値以上の長さの鍵を新たに生成して CSR を作り直してください。"),
    CSR_FORBIDDEN_EXTENSION(13,
            "The certificate request asks for {0}, which this CA never takes from a request.",
            "CSR は、この CA が要求から受け付けない {0} を求めています。",
            "Create the request without extensions (the CA sets them from the profile); only subjectAltName DNS names are taken from host and service requests.",
            "拡張なしで CSR を作ってください (拡張は CA がプロファイルから設定します)。ホストとサービスの CSR からは subjectAltName の DNS 名だけを受け付けます。"),
    SUBJECT_OUTSIDE_NAMESPACE(14,
            "The subject \"{0}\" lies outside the namespace this CA may sign ({1}).",
            "サブジェクト「{0}」はこの CA が署名できる名前空間 ({1}) の外にあります。",
            "Request a subject below the CA''s namespace, as published in its .signing_policy and .namespaces files.",
            "CA の .signing_policy と .namespaces で公開されている名前空間の中のサブジェクトを要求してください。"),
    HPCI_ID_HAS_VALID_CERTIFICATE(15,
            "HPCI-ID {0} already has a valid client certificate (serial {1}); only one is allowed.",
            "HPCI-ID {0} には有効なクライアント証明書 (シリアル番号 {1}) が既にあります。1 つしか持てません。",
            "Revoke the existing certificate (reason superseded) through the RA before issuing a new one.",
            "新しい証明書を発行する前に、RA を通じて既存の証明書を失効 (理由 superseded) してください。"),
    LIFETIME_TOO_LONG(16,
            "The requested lifetime of {0} days is not within the 1 to {1} days the \"{2}\" profile allows.",
            "要求された有効期間 {0} 日は、プロファイル「{2}」で許可された 1 日から {1} 日の範囲外です。",
            "Request a lifetime within the profile''s limit, or leave it out to get the profile''s default.",
            "プロファイルの上限以内の有効期間を要求するか、指定を省略してプロファイルの既定値にしてください。"),
    UNKNOWN_PROFILE(17,
            "There is no certificate profile \"{0}\"; known profiles: {1}.",
            "証明書プロファイル「{0}」はありません。利用できるプロファイル: {1}。",
            "Use one of the configured profiles (client, host or service by default).",
            "設定されたプロファイル (既定では client、host、service) のいずれかを使ってください。"),
    SUBJECT_NOT_ALLOWED(18,
            "The subject \"{0}\" does not fit the \"{1}\" profile: {2}.",
            "サブジェクト「{0}」はプロファイル「{1}」に合いません: {2}。",
            "Client CNs are \"<given name> <surname> <HPCI-ID>\"; host CNs are the host''s FQDN (also given as DNS name); service CNs are \"<service>/<FQDN>\".",
            "クライアントの CN は「<名> <姓> <HPCI-ID>」、ホストの CN はホストの FQDN (DNS 名としても指定)、サービスの CN は「<サービス名>/<FQDN>」です。"),

    DATABASE_UNAVAILABLE(20,
            "The CA database cannot be used ({0}); nothing was issued, revoked or recorded.",
            "CA のデータベースを使用できません ({0})。発行・失効・記録は一切行われていません。",
            "Check that the database is running and reachable with the configured URL and credentials, then retry the request.",
            "データベースが稼働しており、設定された URL と認証情報で接続できることを確認してから要求を再試行してください。"),
    CERTIFICATE_UNKNOWN(21,
            "This CA has not issued a certificate with serial {0}.",
            "この CA はシリアル番号 {0} の証明書を発行していません。",
            "Check the serial number (hexadecimal, as openssl x509 -serial prints it).",
            "シリアル番号 (openssl x509 -serial が表示する 16 進数) を確認してください。"),
    ALREADY_REVOKED(22,
            "The certificate with serial {0} was already revoked at {1}.",
            "シリアル番号 {0} の証明書は {1} に既に失効しています。",
            "Nothing to do; the certificate stays revoked and appears on every following CRL.",
            "対応は不要です。証明書は失効したままで、以降のすべての CRL に掲載されます。"),
    REVOCATION_REASON_INVALID(23,
            "\"{0}\" is not a revocation reason this CA uses; allowed: {1}.",
            "「{0}」はこの CA が使う失効理由ではありません。使用できる理由: {1}。",
            "Give one of the listed RFC 5280 reasons (for example keyCompromise, affiliationChanged, superseded, cessationOfOperation).",
            "一覧の RFC 5280 の理由 (例: keyCompromise、affiliationChanged、superseded、cessationOfOperation) を指定してください。"),
    AUDIT_CHAIN_BROKEN(24,
            "The audit trail is not intact at record {0}: {1}.",
            "監査証跡はレコード {0} で完全性を失っています: {1}。",
            "Treat this as a security incident: stop issuance, compare with the latest backup and archived checkpoints, and find who changed the database.",
            "セキュリティインシデントとして扱ってください。発行を止め、最新のバックアップとアーカイブ済みチェックポイントと比較し、データベースを変更した者を特定してください。"),
    CONFIGURATION_INVALID(25,
            "The CA configuration {0} is invalid: {1}.",
            "CA の設定 {0} が不正です: {1}。",
            "Correct the named setting and start the CA again.",
            "指摘された設定項目を修正して CA を再起動してください。"),
    ISSUANCE_FAILED(26,
            "The certificate for \"{0}\" was not issued: {1}. Serial {2} is recorded as abandoned and will never be used again.",
            "「{0}」の証明書は発行されませんでした: {1}。シリアル番号 {2} は破棄として記録され、再利用されません。",
            "Retry the request; if it fails again, check the HSM and the database (the CA log names the cause at the same time).",
            "要求を再試行してください。再び失敗する場合は HSM とデータベースを確認してください (同時刻の CA ログに原因があります)。");

    private final Text text;

    CaError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-CA", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("ca-server", "GA-CA", CaError.class);
        }
    }
}
