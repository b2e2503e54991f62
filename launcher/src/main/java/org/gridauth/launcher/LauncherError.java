package org.gridauth.launcher;

import org.gridauth.gsi.error.ErrorCatalogue;
import org.gridauth.gsi.error.ErrorCode;

/**
 * The launcher's error catalogue (GA-LN-nnn): what 'gridauth up', 'backup' and 'restore' tell an operator. Each
 * names the file or directory concerned.
 */
public enum LauncherError implements ErrorCode {

    SETTINGS_INVALID(1,
            "The launcher settings {0} are not valid: {1}.",
            "ランチャー設定 {0} が正しくありません: {1}。",
            "Correct the setting named (ports are numbers from 0 to 65535), or delete the file to get the defaults back.",
            "指摘された設定を修正してください (ポートは 0 から 65535 の数値)。ファイルを削除すると既定値に戻ります。"),
    SUITE_RUNNING(2,
            "The suite in {0} is running (port {1} answers); {2} needs it stopped.",
            "{0} のスイートが動作中です (ポート {1} が応答)。{2} には停止が必要です。",
            "Stop ''gridauth up'' (Ctrl-C) and run the command again, so the databases are copied in a consistent state.",
            "''gridauth up'' を停止 (Ctrl-C) してから再実行してください。データベースを整合した状態で複製するためです。"),
    BACKUP_FAILED(3,
            "The backup of {0} into {1} failed: {2}.",
            "{0} の {1} へのバックアップに失敗しました: {2}。",
            "Nothing usable was written; check the free space and permissions of the target and run the backup again.",
            "使用できるバックアップは作成されていません。保存先の空き容量と権限を確認して再実行してください。"),
    RESTORE_TARGET_NOT_EMPTY(4,
            "The restore target {0} is not empty.",
            "リストア先 {0} が空ではありません。",
            "Restore into a new or empty directory; nothing in {0} was changed.",
            "新しいディレクトリか空のディレクトリを指定してください。{0} の内容は変更していません。"),
    BACKUP_DAMAGED(5,
            "The backup {0} is damaged or not a gridauth backup: {1}.",
            "バックアップ {0} が壊れているか、gridauth のバックアップではありません: {1}。",
            "Nothing was restored. Use another copy of the backup; keep backups in two places (R-OP-1 backup procedure).",
            "何もリストアしていません。別のバックアップ複製を使ってください。バックアップは 2 か所に保管してください。"),
    PORT_IN_USE(6,
            "Port {0} for the {1} is already in use on this host (an earlier ''gridauth up'' that did not stop, or another program).",
            "{1} 用のポート {0} はこのホストですでに使われています (停止しなかった以前の ''gridauth up'' か、別のプログラム)。",
            "Nothing was started. Stop the process that holds the port (''ss -ltnp'' names it), or choose another port in {2}, and run ''gridauth up'' again.",
            "何も起動していません。そのポートを使っているプロセスを停止するか (''ss -ltnp'' で分かります)、{2} で別のポートを選んでから ''gridauth up'' を再実行してください。"),
    ;

    private final Text text;

    LauncherError(int number, String english, String japanese, String actionEnglish, String actionJapanese) {
        this.text = Text.of("GA-LN", number, english, japanese, actionEnglish, actionJapanese);
    }

    @Override
    public Text text() {
        return text;
    }

    /** Registered in META-INF/services so the manuals include this catalogue. */
    public static final class CatalogueProvider implements ErrorCatalogue.Provider {
        @Override
        public ErrorCatalogue catalogue() {
            return ErrorCatalogue.ofEnum("launcher", "GA-LN", LauncherError.class);
        }
    }
}
