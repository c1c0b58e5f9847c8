"""Shared fixtures: a small real knowledge folder on disk, and where the shared statute texts are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import BUNDLED_KNOWLEDGE_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
LAWS_DIR = SHARED_DIR / "laws"
EVAL_DIR = SHARED_DIR / "eval"

SMALL_FAQS = """\
- id: injury.dog-bite
  question: 被别人家的狗咬伤了，谁来赔偿？
  alternates:
    - 邻居家的狗把我娃儿咬了，医药费找哪个出
    - 走路上遭狗咬了一口，狗主人不认账
    - 狗咬人 赔偿
    - 被狗咬了赔尝找谁
  answer: 狗咬伤人，一般由养狗的人赔医药费、误工费等，除非能证明是被咬的人故意招惹。先去打狂犬疫苗，留好票据，和狗主人商量；谈不拢找村委会调解，或者到法院起诉。
  citations:
    - law: 民法典
      article: 1245
      quote: 饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任
  topic: personal_injury
  keywords: [饲养动物, 狗咬伤]
  related: [family.divorce-agreement]
  urgent: false
  updated: 2026-11-26
  reviewed: 2026-11-26
- id: family.divorce-agreement
  question: 夫妻双方都同意离婚，怎么办手续？
  alternates:
    - 我和老婆都想离了，去哪里办手续
    - 两口子商量好了要离婚，咋个办
    - 协议离婚 流程
    - 两个人都同意离昏去哪办
  answer: 双方都同意离婚的，写好离婚协议，两个人一起带上身份证、户口本、结婚证到婚姻登记处申请。登记后有三十天冷静期，期满后三十天内再一起去领离婚证。
  citations:
    - law: 民法典
      article: 1076
  topic: marriage_family
  keywords: [协议离婚, 离婚登记]
  updated: 2026-11-26
  reviewed: 2026-11-26
- id: labor.unpaid-wages
  question: 老板拖欠工资不给怎么办？
  alternates:
    - 在工地干了半年，包工头跑了，工钱一分没拿到
    - 厂头老板一直拖起工资不发，咋个办
    - 欠薪 讨工资
    - 老板拖欠工姿不给
  answer: 老板拖欠工资，先把考勤、工资条、聊天记录这些证据留好，跟老板要；要不到的，可以打 12333 向劳动监察投诉，也可以申请劳动仲裁。请不起律师的，可以申请法律援助。
  citations:
    - law: 劳动合同法
      article: 30
    - law: 劳动法
      article: 50
  topic: labor_wages_injury
  keywords: [拖欠工资, 欠薪]
  updated: 2026-11-26
  reviewed: 2026-11-26
- id: traffic.drunk-driving
  question: 喝了酒开车会怎么处罚？
  alternates:
    - 吃席喝了二两酒，骑摩托回家会不会被抓
    - 喝了酒开车遭交警查到了咋个办
    - 酒驾 处罚
    - 醉架会不会坐牢
  answer: 喝了酒开车要被罚款、扣驾照；醉酒开车要吊销驾照，还要追究刑事责任。喝了酒就别开车，找人代驾或者坐车回家。
  citations:
    - law: 道路交通安全法
      article: 91
  topic: road_traffic
  keywords: [饮酒驾驶, 醉酒驾驶]
  updated: 2026-11-26
  reviewed: 2026-11-26
"""


# A sibling of the dog-bite entry that rests on the same article from another angle (the victim provoked
# the dog): a question between the two is answered with one and offers the other under the answer.
PROVOKED_DOG_FAQ = """\
- id: injury.dog-provoked
  question: 我去逗别人家的狗，被狗咬伤了，狗主人还要赔吗？
  alternates:
    - 娃儿拿石头打狗，遭狗咬了，狗主人赔不赔
    - 自己去惹狗被咬伤，能找狗主人要医药费吗
    - 故意逗狗被咬 谁的责任
    - 逗狗遭咬了找哪个赔
  answer: 被咬的人故意逗惹、打狗，狗主人能证明这一点的，可以少赔或者不赔；只是有点不小心，狗主人还是要赔。先去打疫苗、留好票据，和狗主人商量；谈不拢找村委会调解，或者到法院起诉。
  citations:
    - law: 民法典
      article: 1245
  topic: personal_injury
  keywords: [逗狗, 故意招惹]
  updated: 2026-11-26
  reviewed: 2026-11-26
"""


# A subject outside the law (referrals.yaml) for the tests of referrals.
MEDICINE_REFERRAL = """\
- id: refer.medicine
  subject: 看病吃药
  phrasings:
    - 感冒了吃啥子药好得快
    - 娃儿发烧咋个退烧，吃啥子药
    - 头痛吃啥子药
    - 降血糖的药一天吃几回
    - 咳嗽老是不好吃啥药
    - 老人家咳嗽好久了，该吃啥子药
  reply: 看病吃药要问医生，请到村卫生室或镇卫生院。
"""


@pytest.fixture()
def knowledge_dir(tmp_path: Path) -> Path:
    """A real, small knowledge folder: the bundled registries and lexicon plus four entries."""
    root = tmp_path / "knowledge"
    (root / "faqs").mkdir(parents=True)
    for name in ("laws.yaml", "topics.yaml", "synonyms.yaml", "replies.yaml", "chitchat.yaml"):
        shutil.copy(BUNDLED_KNOWLEDGE_DIR / name, root / name)
    (root / "faqs" / "small.yaml").write_text(SMALL_FAQS, encoding="utf-8")
    return root


@pytest.fixture()
def laws_dir() -> Path:
    """The shared statute texts; tests that need them skip cleanly when the folder is absent."""
    if not LAWS_DIR.is_dir():
        pytest.skip(f"statute texts not found at {LAWS_DIR}")
    return LAWS_DIR
