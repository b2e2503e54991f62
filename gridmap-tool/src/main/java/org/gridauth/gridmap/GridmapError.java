package org.gridauth.gridmap;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/**
 * The gridmap-tool error catalogue (GA-GM-nnn). These texts reach resource-site administrators on standard error
 * and in cron mail; each names the CA, file or URL concerned.
 */
public enum GridmapError implements ErrorCode {

    USAGE(1,
            "Usage error: {0}.",
            "使い方の誤り: {0}。",
            "Run \"gridmap help\" for the commands and their options.",
            "\"gridmap help\" でコマンドとオプションを確認してください。"),
    NO_CRL_URL(2,
            "CA {0} ({1}) has no CRL URL (neither {0}.crl_url nor crl_url in {0}.info).",
            "CA {0} ({1}) に CRL の URL がありません ({0}.crl_url も {0}.info の crl_url もありません)。",
            "Install the CA''s .crl_url file from its trust bundle (gridmap trust), or remove the CA if it is no longer trusted.",
            "CA のトラストバンドルから .crl_url ファイルを導入する (gridmap trust) か、信頼しなくなった CA なら削除してください。"),
    CRL_DOWNLOAD_FAILED(3,
            "The CRL of CA {0} could not be downloaded from {1}: {2}.",
            "CA {0} の CRL を {1} から取得できませんでした: {2}。",
            "Check the network and the URL; the CRL already installed is kept. Sites must refresh CRLs at least monthly (R-RS-3).",
            "ネットワークと URL を確認してください。導入済みの CRL はそのまま残ります。CRL は少なくとも毎月更新が必要です (R-RS-3)。"),
    CRL_INVALID(4,
            "The CRL of CA {0} from {1} is refused: {2}.",
            "{1} から取得した CA {0} の CRL を拒否しました: {2}。",
            "Nothing was installed. If the CA really published it, report it to the CA; an attacker may be feeding a forged or stale CRL.",
            "何も導入していません。CA が公開したものなら CA に報告してください。偽造または古い CRL が送られている可能性があります。"),
    TRUST_DIRECTORY_UNUSABLE(5,
            "The trust directory {0} cannot be used: {1}.",
            "トラストディレクトリ {0} を使用できません: {1}。",
            "Check the path (X509_CERT_DIR or --dir) and that this user may write there (usually root).",
            "パス (X509_CERT_DIR または --dir) と、書き込み権限 (通常は root) を確認してください。"),
    BUNDLE_DOWNLOAD_FAILED(6,
            "The trust bundle could not be downloaded from {0}: {1}.",
            "トラストバンドルを {0} から取得できませんでした: {1}。",
            "Check the CA repository URL and the network; nothing was installed.",
            "CA リポジトリの URL とネットワークを確認してください。何も導入していません。"),
    BUNDLE_INVALID(7,
            "The trust bundle from {0} is refused: {1}.",
            "{0} から取得したトラストバンドルを拒否しました: {1}。",
            "Nothing was installed. Download it again; if it persists, report it to the CA.",
            "何も導入していません。再取得し、続く場合は CA に報告してください。"),
    FINGERPRINT_MISMATCH(8,
            "The CA certificate in the bundle has the SHA-256 fingerprint {0}, not the {1} you gave.",
            "バンドル内の CA 証明書の SHA-256 フィンガープリントは {0} で、指定された {1} と一致しません。",
            "Nothing was installed. Get the fingerprint again from the CA''s HTTPS page (R-CA-6) or by another trusted channel; never install a CA whose fingerprint you did not check.",
            "何も導入していません。CA の HTTPS ページ (R-CA-6) など信頼できる経路でフィンガープリントを再確認してください。確認していない CA は導入しないでください。"),
    GRIDMAP_INVALID(9,
            "{0} line {1}: {2}.",
            "{0} の {1} 行目: {2}。",
            "Correct or remove the line; Globus refuses logins for a grid-mapfile it cannot read.",
            "該当行を修正または削除してください。Globus は読めない grid-mapfile ではログインを拒否します。"),
    GRIDMAP_UNREADABLE(10,
            "The grid-mapfile {0} cannot be read: {1}.",
            "grid-mapfile {0} を読み込めません: {1}。",
            "Check the path and its permissions.",
            "パスとアクセス権を確認してください。"),
    FEED_UNAVAILABLE(11,
            "The certificate manager feed at {0} cannot be read: {1}.",
            "{0} の証明書管理サーバーのフィードを読み込めません: {1}。",
            "The grid-mapfile was left as it was. Check the network, the URL and that this site''s host certificate is registered at the certificate manager.",
            "grid-mapfile は変更していません。ネットワーク、URL、このサイトのホスト証明書が証明書管理サーバーに登録されていることを確認してください。"),
    FEED_INVALID(12,
            "The certificate manager feed at {0} is refused: {1}.",
            "{0} の証明書管理サーバーのフィードを拒否しました: {1}。",
            "The grid-mapfile was left as it was; try again later and report it to the certificate manager operators if it persists.",
            "grid-mapfile は変更していません。時間をおいて再試行し、続く場合は証明書管理サーバーの運用者に報告してください。"),
    SAFETY_LIMIT(13,
            "The sync would remove {0} of {1} grid-mapfile entries ({2}%), more than the limit of {3}%.",
            "同期により grid-mapfile の {1} 件中 {0} 件 ({2}%) が削除されます。上限の {3}% を超えています。",
            "Check the change with \"gridmap sync --dry-run\"; if it is right, run it once with --force.",
            "\"gridmap sync --dry-run\" で変更を確認し、正しければ --force を付けて一度実行してください。"),
    SYNC_LOCKED(14,
            "Another gridmap sync holds the lock {0}.",
            "別の gridmap sync がロック {0} を保持しています。",
            "Wait for it to finish; if no gridmap process runs, the lock is released automatically when its process ended.",
            "終了を待ってください。gridmap のプロセスが動いていなければ、ロックはプロセス終了時に自動的に解放されています。"),
    BINDING_INVALID(15,
            "The binding rule {0} is not valid: {1}.",
            "バインディング規則 {0} が正しくありません: {1}。",
            "Use map:<file>, template:<pattern> (placeholders hpciId, localAccount, eppnUser, hpciNumber in braces) or ldap:<LDAP URL base?attribute?scope?filter> as the site manual describes.",
            "サイト管理マニュアルの通り map:<ファイル>、template:<パターン> または ldap:<LDAP URL> を指定してください。"),
    STATE_UNREADABLE(16,
            "The sync state {0} cannot be read: {1}.",
            "同期状態ファイル {0} を読み込めません: {1}。",
            "Move the file aside; the next run reads the full feed and rebuilds it.",
            "ファイルを退避してください。次回の実行でフィード全体を読み込み、作り直します。"),
    DIRECTORY_UNAVAILABLE(17,
            "The site directory {0} cannot be searched: {1}.",
            "サイトのディレクトリ {0} を検索できません: {1}。",
            "The grid-mapfile was left as it was. Check that the LDAP server named in the ldap: binding rule is reachable.",
            "grid-mapfile は変更していません。ldap: バインディング規則の LDAP サーバーに接続できることを確認してください。"),
    ;

    private final Text text;

    GridmapError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-GM", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("gridmap-tool", "GA-GM", GridmapError.class);
        }
    }
}
