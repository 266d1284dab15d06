"""WordPiece tokenizer built from the referential corpus (an HF ``tokenizers`` WordPiece model).

Lowercased and accents stripped (ads write « ELECTRICIEN BATIMENT »); BERT-style
pre-tokenisation on whitespace and punctuation. Only ``[UNK]`` and ``[PAD]`` are special: the
static model adds no special tokens, and every character of the corpus is in the alphabet.

The vocabulary is chosen here rather than by ``tokenizers``' ``WordPieceTrainer``, whose result
changes from one process to the next (ties between equally frequent merges are broken in hash-map
order): the corpus's alphabet (``c`` and ``##c``), then its frequent whole words, then the most
frequent word-initial pieces and ``##`` pieces of the remaining words; ties broken by the text.
A static model averages token vectors, so whole words (each with its own vector) are worth more
than the merges BPE would pick; rare words are split greedily, longest piece first.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

UNK = "[UNK]"
PAD = "[PAD]"
SUBWORD_PREFIX = "##"


def _empty_tokenizer(vocab: dict[str, int]) -> Tokenizer:
    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token=UNK, continuing_subword_prefix=SUBWORD_PREFIX,
                                           max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix=SUBWORD_PREFIX)
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _is_punctuation(ch: str) -> bool:
    """BERT's definition: ASCII non-alphanumeric printable characters and Unicode P* categories."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def split_words(text: str) -> list[str]:
    """Python twin of the tokenizer's normaliser + pre-tokeniser (lowercase, accents and control
    characters removed, split on whitespace and punctuation), fast on a whole corpus at once;
    ``tests/unit/nlp/test_training.py`` checks that both agree. Deliberately not
    ``skillgap.text.fold``: it must reproduce the tokenizer's BERT normaliser, which keeps « œ »
    and « æ » (a trained model's vocabulary depends on it).

    >>> split_words("Gérer l'ÉQUIPE (H/F)")
    ['gerer', 'l', "'", 'equipe', '(', 'h', '/', 'f', ')']
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    table: dict[int, str | None] = {}
    for ch in set(decomposed):
        category = unicodedata.category(ch)
        if category == "Mn" or ch == "\ufffd" or (category in ("Cc", "Cf") and ch not in "\t\n\r"):
            table[ord(ch)] = None
        elif _is_punctuation(ch) or "\u4e00" <= ch <= "\u9fff":
            table[ord(ch)] = f" {ch} "
    return decomposed.translate(table).split()


def word_counts(corpus: Sequence[str]) -> Counter[str]:
    """Normalised, pre-tokenised words of ``corpus`` with their frequencies."""
    return Counter(split_words("\n".join(corpus)))


def choose_vocabulary(counts: Counter[str], *, vocab_size: int, min_frequency: int = 2,
                      word_share: float = 0.8, max_piece: int = 8) -> list[str]:
    """Tokens in id order: specials, alphabet, whole words, then pieces (see the module docstring).

    >>> choose_vocabulary(Counter({"gerer": 5, "gestion": 3, "stock": 1}), vocab_size=20)[:4]
    ['[PAD]', '[UNK]', 'c', 'e']
    """
    alphabet = sorted({ch for word in counts for ch in word})
    tokens = [PAD, UNK, *alphabet, *(SUBWORD_PREFIX + ch for ch in alphabet)]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    budget_words = max(0, int((vocab_size - len(tokens)) * word_share))
    chosen = [w for w, n in ranked if n >= min_frequency and len(w) > 1][:budget_words]
    tokens += chosen
    in_vocab = set(tokens)
    pieces: Counter[str] = Counter()
    for word, n in ranked:
        if word in in_vocab or len(word) < 3:
            continue
        for end in range(2, min(len(word), max_piece) + 1):
            pieces[word[:end]] += n
        for start in range(1, len(word) - 1):
            for end in range(start + 2, min(len(word), start + max_piece) + 1):
                pieces[SUBWORD_PREFIX + word[start:end]] += n
    ranked_pieces = sorted((kv for kv in pieces.items() if kv[0] not in in_vocab and kv[1] >= min_frequency),
                           key=lambda kv: (-kv[1], kv[0]))
    tokens += [p for p, _ in ranked_pieces[: max(0, vocab_size - len(tokens))]]
    return tokens


def train_wordpiece(corpus: Sequence[str], *, vocab_size: int, min_frequency: int = 2) -> Tokenizer:
    """A WordPiece tokenizer whose vocabulary comes from ``corpus`` (identical for an identical corpus).

    >>> tok = train_wordpiece(["Gérer les stocks", "gérer le stock"] * 5, vocab_size=60)
    >>> tok.encode("GÉRER", add_special_tokens=False).tokens
    ['gerer']
    """
    tokens = choose_vocabulary(word_counts(corpus), vocab_size=vocab_size, min_frequency=min_frequency)
    return _empty_tokenizer({token: i for i, token in enumerate(tokens)})


def vocabulary(tokenizer: Tokenizer) -> list[str]:
    """Tokens in id order."""
    vocab = tokenizer.get_vocab()
    tokens = [""] * len(vocab)
    for token, index in vocab.items():
        tokens[index] = token
    return tokens


def token_surface(token: str) -> str:
    """The text a token stands for, as given to the teacher ('' for special tokens).

    >>> [token_surface(t) for t in ("gestion", "##naire", "[UNK]")]
    ['gestion', 'naire', '']
    """
    if token in (UNK, PAD):
        return ""
    return token[len(SUBWORD_PREFIX):] if token.startswith(SUBWORD_PREFIX) else token
