package org.gridauth.idp;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/**
 * The idp-bridge error catalogue (GA-IDP-nnn). Users see these texts on the IdP's error and login pages,
 * operators in the IdP log and audit records. Arguments never carry passwords or keys.
 */
public enum IdpError implements ErrorCode {

    UNKNOWN_SP(1,
            "The service \"{0}\" is not known to this identity provider.",
            "サービス「{0}」はこの IdP に登録されていません。",
            "Start the sign-on again from the service''s own page; if it persists, the service''s administrator must register its metadata with the IdP operator.",
            "サービス自身のページからもう一度サインオンしてください。続く場合は、サービス管理者が IdP 運用者にメタデータの登録を依頼してください。"),
    BAD_ACS(2,
            "The service \"{0}\" asked for its answer to be sent to \"{1}\", which its metadata does not list.",
            "サービス「{0}」は応答の送信先に「{1}」を指定しましたが、メタデータに記載されていません。",
            "The service''s administrator must correct its AssertionConsumerService URL or its metadata.",
            "サービス管理者が AssertionConsumerService の URL またはメタデータを修正してください。"),
    MALFORMED_REQUEST(3,
            "The sign-on request could not be read: {0}.",
            "サインオン要求を読み取れませんでした: {0}。",
            "Start the sign-on again from the service; report the time to the service''s administrator if it persists.",
            "サービスからもう一度サインオンしてください。続く場合は発生時刻をサービス管理者に知らせてください。"),
    REQUEST_TOO_LARGE(4,
            "The sign-on request is larger than the {0} bytes this identity provider accepts.",
            "サインオン要求がこの IdP の上限 {0} バイトを超えています。",
            "The service''s administrator must send smaller requests; this is not caused by the user.",
            "サービス管理者が要求を小さくする必要があります。利用者の操作が原因ではありません。"),
    SIGNATURE_REQUIRED(5,
            "The service \"{0}\" must sign its sign-on requests, and this one was not signed.",
            "サービス「{0}」のサインオン要求には署名が必要ですが、署名がありません。",
            "The service''s administrator must enable request signing or correct the metadata (WantAuthnRequestsSigned / AuthnRequestsSigned).",
            "サービス管理者が要求への署名を有効にするか、メタデータ (AuthnRequestsSigned) を修正してください。"),
    BAD_SIGNATURE(6,
            "The signature of the request from \"{0}\" is not valid: {1}.",
            "「{0}」からの要求の署名が正しくありません: {1}。",
            "The service''s administrator must sign with the key published in its metadata; a changed key needs updated metadata.",
            "サービス管理者はメタデータに掲載した鍵で署名してください。鍵を変えた場合はメタデータを更新してください。"),
    REPLAYED_REQUEST(7,
            "The sign-on request {0} was already used.",
            "サインオン要求 {0} はすでに使用されています。",
            "Do not use the browser''s back button during sign-on; start again from the service.",
            "サインオン中はブラウザーの「戻る」を使わず、サービスからもう一度始めてください。"),
    STALE_REQUEST(8,
            "The sign-on request was issued at {0}, outside the accepted window.",
            "サインオン要求の発行時刻 {0} が許容範囲外です。",
            "Start the sign-on again; if it persists, the clocks of the service and the identity provider must be synchronised (NTP).",
            "もう一度サインオンしてください。続く場合はサービスと IdP の時計を同期 (NTP) してください。"),
    LOGIN_FAILED(9,
            "The user name or password is wrong.",
            "ユーザー名またはパスワードが違います。",
            "Check the user name and password; after repeated failures sign-in is blocked for a while.",
            "ユーザー名とパスワードを確認してください。失敗が続くとしばらくサインインできなくなります。"),
    THROTTLED(10,
            "Too many failed sign-ins; try again after {0}.",
            "サインインの失敗が多すぎます。{0} 以降に再試行してください。",
            "Wait until the time shown. If you forgot your password, contact the HPCI help desk.",
            "表示された時刻まで待ってください。パスワードを忘れた場合は HPCI ヘルプデスクに連絡してください。"),
    ACCOUNT_SUSPENDED(11,
            "The account \"{0}\" is suspended and cannot sign in.",
            "アカウント「{0}」は停止されているため、サインインできません。",
            "Contact the HPCI office (help desk) to have the account reinstated.",
            "アカウントの再開については HPCI 事務局 (ヘルプデスク) に連絡してください。"),
    ACCOUNT_DELETED(12,
            "The account \"{0}\" has been deleted and cannot sign in.",
            "アカウント「{0}」は削除されているため、サインインできません。",
            "Contact the HPCI office (help desk) if you need a new account.",
            "新しいアカウントが必要な場合は HPCI 事務局 (ヘルプデスク) に連絡してください。"),
    DIRECTORY_UNAVAILABLE(13,
            "The account directory could not be reached ({0}).",
            "アカウントディレクトリに接続できませんでした ({0})。",
            "Try again later; administrators check the LDAP server and the IdP log under the same time.",
            "時間をおいて再試行してください。管理者は LDAP サーバーと同時刻の IdP ログを確認してください。"),
    BAD_CONFIGURATION(14,
            "The identity provider configuration is invalid: {0}.",
            "IdP の設定が正しくありません: {0}。",
            "Correct the setting named in the message and restart the identity provider.",
            "メッセージに示された設定を修正し、IdP を再起動してください。"),
    BAD_CREDENTIAL(15,
            "The IdP signing credential in {0} cannot be used: {1}.",
            "{0} の IdP 署名用資格情報を使用できません: {1}。",
            "Provide a PEM certificate and its unencrypted RSA key (2048 bits or more) that match, readable only by the IdP.",
            "対応する PEM 証明書と暗号化されていない RSA 秘密鍵 (2048 ビット以上) を、IdP だけが読めるように配置してください。"),
    BAD_RELEASE_POLICY(16,
            "The attribute release policy {0} is invalid: {1}.",
            "属性送信ポリシー {0} が正しくありません: {1}。",
            "Correct the policy file (see the IdP manual, attribute release) and restart.",
            "ポリシーファイルを修正し (IdP マニュアルの属性送信の章を参照)、再起動してください。"),
    NO_PENDING_REQUEST(17,
            "There is no sign-on in progress in this browser session.",
            "このブラウザーセッションには進行中のサインオンがありません。",
            "Start from the service you want to use; it sends you here to sign in.",
            "利用したいサービスのページから始めてください。サインインのためにここへ転送されます。"),
    BAD_METADATA(18,
            "The SAML metadata {0} cannot be used: {1}.",
            "SAML メタデータ {0} を使用できません: {1}。",
            "Correct or replace the metadata file named in the message and restart.",
            "メッセージに示されたメタデータファイルを修正または置き換えて、再起動してください。"),
    UNSUPPORTED_BINDING(19,
            "The service \"{0}\" asked for the unsupported response binding {1}.",
            "サービス「{0}」はサポートされていない応答バインディング {1} を要求しました。",
            "The service must accept responses over HTTP-POST (urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST).",
            "サービスは HTTP-POST (urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST) で応答を受け付ける必要があります。"),
    PASSIVE_NOT_POSSIBLE(20,
            "The service asked for sign-on without interaction, but you are not signed in.",
            "サービスは操作なしのサインオンを要求しましたが、まだサインインしていません。",
            "Start the sign-on again from the service; it should then show this sign-in page.",
            "サービスからもう一度サインオンを開始してください。サインインページが表示されます。"),
    DS_BAD_RETURN(21,
            "The discovery service will not return to \"{0}\": it is not a discovery response address of the service \"{1}\".",
            "ディスカバリーサービスは「{0}」には戻りません。サービス「{1}」のディスカバリー応答先として登録されていないためです。",
            "Start from the service''s own page; its administrator must list the address as idpdisco:DiscoveryResponse in the metadata.",
            "サービス自身のページから始めてください。サービス管理者はこのアドレスをメタデータの idpdisco:DiscoveryResponse に記載する必要があります。"),
    DS_BAD_REQUEST(22,
            "The discovery request is not valid: {0}.",
            "ディスカバリー要求が正しくありません: {0}。",
            "Start from the service''s own page; its administrator must follow the SAML IdP Discovery protocol (entityID, return, returnIDParam, isPassive, policy).",
            "サービス自身のページから始めてください。サービス管理者は SAML IdP Discovery プロトコル (entityID、return、returnIDParam、isPassive、policy) に従う必要があります。"),
    DS_UNKNOWN_IDP(23,
            "\"{0}\" is not one of the identity providers offered here.",
            "「{0}」はここで選択できる IdP ではありません。",
            "Choose an identity provider from the list.",
            "一覧から IdP を選んでください。"),
    METADATA_REJECTED(24,
            "The federation metadata from {0} was rejected: {1}; the last good copy stays in use.",
            "{0} から取得したフェデレーションメタデータを拒否しました: {1}。最後に正常だったものを引き続き使用します。",
            "Check the metadata URL and the federation''s signing certificate in the configuration; the federation operator can say whether its metadata changed.",
            "設定のメタデータ URL とフェデレーションの署名証明書を確認してください。メタデータの変更の有無はフェデレーション運用者に確認できます。");

    private final Text text;

    IdpError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-IDP", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("idp-bridge", "GA-IDP", IdpError.class);
        }
    }
}
