"""What every adapter shares besides the answerer: the store and the records kept in it.

`Service.open(settings)` opens (creates, migrates) the store in the data folder and wires the
speaker corrections into the answerer, so the console, `chuchu ask`/`passages` and Telegram
all answer with the same corrections. A store that cannot be used leaves `problem` set (one
line for the entry point to print) and a store in memory in its place.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.feedback import Feedback
from bot.fixes import StoredCorrections
from bot.question_log import QuestionLog
from bot.storage import Storage, memory_storage, open_storage
from config.settings import Settings
from retrieval.answer import Answerer


@dataclass
class Service:
    storage: Storage
    log: QuestionLog
    feedback: Feedback
    fixes: StoredCorrections

    @classmethod
    def over(cls, storage: Storage) -> Service:
        return cls(storage, QuestionLog(storage), Feedback(storage), StoredCorrections(storage))

    @classmethod
    def open(cls, settings: Settings) -> Service:
        return cls.over(open_storage(settings.data_dir))

    @classmethod
    def in_memory(cls) -> Service:
        return cls.over(memory_storage())

    @property
    def problem(self) -> str:
        return self.storage.problem

    def serve(self, answerer: Answerer) -> Answerer:
        """`answerer`, answering with this store's speaker corrections."""
        answerer.corrections = self.fixes
        return answerer
