"""Remedies as real writers put them (incident notices, apology mails, review replies, shop-floor
talk), checked through the whole checker: each construction is found, and its near misses
(prevention, staff training, a routine, a condition, a question, investigation alone) are not
taken for a remedy by any rule.
"""

import pytest

from graders import check

REMEDIES = [
    # a service back to normal
    "各サービスはおおむね通常の状態に戻っております。",
    "午後四時ごろ、全ての端末で通常稼働を確認いたしました。",
    # a fix left in place, settled, in sight
    "設定はすでに元に戻してありますので、ご安心ください。",
    "交換品は本日発送の手配が済んでおります。",
    "ご指摘の脆弱性は対策済みです。",
    "復旧の見通しが立ちました。",
    # staff on the way, work under way or started
    "ただいま作業員がそちらへ向かっております。",
    "現在、復旧作業中です。",
    "完全な復旧に向けて全力で取り組んでおります。",
    "返金の手続きに入っております。",
    "暫定的な対応として、予備のサーバーで運用しております。",
    # money going back, a wish to set it right, a promise for the next visit
    "代金は三日以内にご指定の口座へ振り込まれます。",
    "至急、正しい商品を再発送させていただきたいと考えております。",
    "次回ご来店の際に最優先でご案内いたします。",
    # calling back, spoken fixes
    "担当者から改めてお電話を差し上げます。",
    "すぐ直すね",
    "今からそちらに伺いますので",
    "当社では現在、復旧作業を行っております。",
    "ご指摘を受け、該当のお料理は提供を中止いたしました。",
    "当日中にお部屋の清掃をやり直しております。",
    # round eight: the fix in the passive or impersonal, as a result, or settled in counter talk
    "昨晩の不具合は、今朝までにすべて修正が行われました。",
    "消えてしまった履歴は全て復元されております。",
    "未配信だった通知は順次再送されております。",
    "回線を入れ替えたので、また動画が見られるようになりました。",
    "フィルターを交換いたしましたので、異臭は出なくなりました。",
    "不具合を直したプログラムを配信しましたので、更新してください。",
    "誤って二重に引き落とした分は、全額補償されます。",
    "ご登録の口座には、明日入金されます。",
    "ご指摘の壁の補修を実施しました。",
    "掲示板の不適切な投稿はすでに削除しております。",
    "お預かりしたスーツのお直しが仕上がりました。",
    "修理の業者さんに今日中に来てくれるよう頼んでおきました",
    "担当にすぐ折り返させますね",
    "キャンセル料は結構でございます。",
    "アプリの表示崩れは最新版で解消されております。",
]

NOT_REMEDIES = [
    # prevention and staff training
    "今後は出荷前の確認を二重にいたします。",
    "スタッフ一同、接客マナーの研修を行いました。",
    "従業員教育を徹底いたしました。",
    "スタッフには厳しく指導いたしました。",
    "担当者への指導を徹底いたしました。",
    "サービスの向上に全力を尽くしてまいります。",
    # investigation alone
    "原因については現在調査しております。",
    "原因は調査中です。",
    # a routine or a general policy
    "通常は三日以内に発送しております。",
    "基本的に、ご予約の方から先にご案内しております。",
    "当店では毎朝すべての席を消毒しております。",
    "当社では、初期不良の場合は無償で交換しております。",
    "このようなことが二度と起こらないよう、マニュアルを改訂いたしました。",
    "ご注文は毎週月曜日に発送しております。",
    "当店では、お会計時にレシートをお渡ししております。",
    "キャンセルの場合は全額返金されます。",
    # a condition, a question, the customer's part, a hope
    "壊れたら交換するよ。",
    "ご希望でしたら、今から新しいのを送りますね。",
    "もしお急ぎでしたら、作業員をそちらへ向かわせます。",
    "ご不要でしたら、料金はいいですよ。",
    "復旧の見通しはまだ立っておりません。",
    "お電話を差し上げてもよろしいでしょうか？",
    "正しい住所に変更してください。",
    "またのご来店を心よりお待ちしております。",
    # the trouble itself, or a step given as the reason for a refusal
    "保存した内容が元に戻ってしまいました。",
    "修理中のため、ご利用いただけません。",
    "すでに発送準備に入っておりますので、キャンセルはお受けできません。",
    "大型の台風が関東へ向かっております。",
    # round eight near misses: a feature, the trouble, a condition, a routine, background
    "新機能として、スマホからも振込ができるようになりました。",
    "昨日から動画が再生できなくなりました。",
    "修理が行われましたら、ご一報ください。",
    "キャンペーン期間中は送料が免除されます。",
    "ご利用のポイントは毎月末に付与されます。",
    "以前にも一度修理が行われましたが、同じ症状が出ております。",
    "新しいバージョンを公開しましたので、ぜひお試しください。",
    "再配達をご依頼ください。",
    "法的措置をとりました。",
]


def _remedies(text):
    return [a.text for a in check(text, "generic").acts if a.kind == "remedy"]


@pytest.mark.parametrize("text", REMEDIES)
def test_remedy_is_found(text):
    assert _remedies(text), f"no remedy found in 「{text}」"


@pytest.mark.parametrize("text", NOT_REMEDIES)
def test_near_miss_is_no_remedy(text):
    assert _remedies(text) == [], f"「{text}」 is no remedy, found {_remedies(text)}"
