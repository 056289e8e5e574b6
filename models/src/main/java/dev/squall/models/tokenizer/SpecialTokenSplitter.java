package dev.squall.models.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text at occurrences of special tokens, as llama.cpp does before running the tokenizer
 * proper: special tokens are tried longest first, each splitting every remaining text fragment at
 * all its occurrences. User-defined tokens are always matched; control and unknown tokens only
 * when special parsing is requested.
 */
final class SpecialTokenSplitter {

    /** A piece of input: plain text for the tokenizer, or a token matched as a whole. */
    sealed interface Fragment {
        record Text(String text) implements Fragment {
        }

        record Token(int id) implements Fragment {
        }
    }

    private SpecialTokenSplitter() {
    }

    static List<Fragment> split(String text, Vocabulary vocab, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) {
            fragments.add(new Fragment.Text(text));
        }
        for (int id : vocab.specialTokensByLength()) {
            TokenType type = vocab.type(id);
            if (!parseSpecial && type != TokenType.USER_DEFINED) {
                continue;
            }
            String special = vocab.token(id);
            List<Fragment> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Fragment fragment = fragments.get(f);
                if (!(fragment instanceof Fragment.Text(String piece)) || !piece.contains(special)) {
                    if (next != null) {
                        next.add(fragment);
                    }
                    continue;
                }
                if (next == null) {
                    next = new ArrayList<>(fragments.subList(0, f));
                }
                int from = 0;
                for (int at = piece.indexOf(special); at >= 0; at = piece.indexOf(special, from)) {
                    if (at > from) {
                        next.add(new Fragment.Text(piece.substring(from, at)));
                    }
                    next.add(new Fragment.Token(id));
                    from = at + special.length();
                }
                if (from < piece.length()) {
                    next.add(new Fragment.Text(piece.substring(from)));
                }
            }
            if (next != null) {
                fragments = next;
            }
        }
        return fragments;
    }
}
