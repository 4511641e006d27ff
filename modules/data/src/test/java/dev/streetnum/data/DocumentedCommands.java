package dev.streetnum.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The launcher commands the project's Markdown documents show a user ({@code scripts/streetnum ...} in
 * fenced code blocks and in inline code), as the argument lists a shell would hand the launcher, so
 * tests can check that every documented command still parses ("commands that work as written").
 *
 * <p>The shell reading is the part users copy: lines ending in a backslash continue, single and double
 * quotes group, a backslash escapes one character, and a word starting with {@code #} begins a comment.
 * A command ends at {@code |}, {@code &&}, {@code ;}, {@code &} or a redirection ({@code >}, {@code 2>},
 * {@code <}); words before {@code scripts/streetnum} (environment settings) are not its arguments.
 */
public final class DocumentedCommands {

    /** The launcher as the documents call it. */
    public static final String LAUNCHER = "scripts/streetnum";

    /** The documents with commands in them, from the repository root. */
    public static final List<String> DOCUMENTS = List.of("README.md", "models/README.md", "docs/DESIGN.md",
            "docs/speed-history.md", "docs/accuracy-history.md");

    private static final Pattern INLINE = Pattern.compile("`(" + Pattern.quote(LAUNCHER) + "(?:\\s[^`]*)?)`");

    /**
     * One documented command.
     *
     * @param document the document's name
     * @param line     the line it starts on, from 1
     * @param args     the launcher's arguments (the subcommand first), as a shell would split them
     */
    public record Invocation(String document, int line, List<String> args) {

        /** {@code document:line}, for messages. */
        public String where() {
            return document + ":" + line;
        }

        /** The subcommand, or "" for the bare launcher. */
        public String command() {
            return args.isEmpty() ? "" : args.get(0);
        }
    }

    /**
     * What {@link #parseEach} found.
     *
     * @param parsed   how many commands parsed
     * @param failures one line per command that did not ({@code document:line: args}, then why)
     */
    public record ParseCheck(int parsed, List<String> failures) {
    }

    private DocumentedCommands() {
    }

    /**
     * Parses (never runs) each documented command {@code select} picks with a fresh command line from
     * {@code launcher}, handing it {@code argsOf} the command.
     */
    public static ParseCheck parseEach(Path repositoryRoot, Predicate<Invocation> select,
                                       Function<Invocation, List<String>> argsOf, Supplier<CommandLine> launcher) {
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        for (Invocation invocation : inRepository(repositoryRoot)) {
            if (!select.test(invocation)) {
                continue;
            }
            List<String> args = argsOf.apply(invocation);
            try {
                launcher.get().parseArgs(args.toArray(String[]::new));
                parsed++;
            } catch (CommandLine.ParameterException e) {
                failures.add(invocation.where() + ": " + String.join(" ", invocation.args()) + "\n    " + e.getMessage());
            }
        }
        return new ParseCheck(parsed, failures);
    }

    /** Every launcher command in {@link #DOCUMENTS}, read from {@code repositoryRoot}. */
    public static List<Invocation> inRepository(Path repositoryRoot) {
        List<Invocation> all = new ArrayList<>();
        for (String document : DOCUMENTS) {
            Path file = repositoryRoot.resolve(document);
            try {
                all.addAll(in(document, Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file.toAbsolutePath().normalize(), e);
            }
        }
        return all;
    }

    /** The launcher commands in one Markdown text; {@code name} prefixes their locations. */
    public static List<Invocation> in(String name, String markdown) {
        List<Invocation> found = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        // Prose with the fenced blocks blanked, line for line: inline code may wrap onto the next line.
        StringBuilder prose = new StringBuilder();
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                prose.append('\n');
                continue;
            }
            if (!fenced) {
                prose.append(line).append('\n');
                continue;
            }
            prose.append('\n');
            int start = i + 1;
            StringBuilder command = new StringBuilder(line);
            while (endsInContinuation(command) && i + 1 < lines.length) {
                command.setLength(command.length() - 1);
                command.append(' ').append(lines[++i].strip());
                prose.append('\n');
            }
            for (List<String> words : commands(command.toString())) {
                launcherArgs(words).ifPresent(args -> found.add(new Invocation(name, start, args)));
            }
        }
        Matcher inline = INLINE.matcher(prose);
        while (inline.find()) {
            String span = inline.group(1);
            if (span.contains("\n\n")) {
                continue;
            }
            int line = 1 + (int) prose.substring(0, inline.start()).chars().filter(c -> c == '\n').count();
            for (List<String> words : commands(span.replace('\n', ' '))) {
                launcherArgs(words).ifPresent(args -> found.add(new Invocation(name, line, args)));
            }
        }
        found.sort(Comparator.comparingInt(Invocation::line));
        return found;
    }

    private static boolean endsInContinuation(CharSequence line) {
        return line.length() > 0 && line.charAt(line.length() - 1) == '\\';
    }

    private static Optional<List<String>> launcherArgs(List<String> words) {
        int at = words.indexOf(LAUNCHER);
        return at < 0 ? Optional.empty() : Optional.of(List.copyOf(words.subList(at + 1, words.size())));
    }

    /**
     * One shell line split into commands, each a list of words; a comment ends the line, an operator or
     * a redirection ends a command (a redirection's target is not an argument).
     */
    static List<List<String>> commands(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean redirected = false;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                end = end < 0 ? n : end;
                word.append(line, i + 1, end);
                inWord = true;
                i = end;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < n && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) {
                        d = line.charAt(++j);
                    }
                    word.append(d);
                }
                inWord = true;
                i = j;
            } else if (c == '\\' && i + 1 < n) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord && !redirected) {
                    words.add(word.toString());
                }
                word.setLength(0);
                inWord = false;
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == '|' || c == ';' || c == '&') {
                if (inWord && !redirected) {
                    words.add(word.toString());
                }
                word.setLength(0);
                inWord = false;
                redirected = false;
                commands.add(words);
                words = new ArrayList<>();
                if (i + 1 < n && line.charAt(i + 1) == c) {
                    i++;
                }
            } else if (c == '>' || c == '<') {
                // "2>" is a redirection, not the word "2": drop what was read of this word.
                word.setLength(0);
                inWord = false;
                redirected = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord && !redirected) {
            words.add(word.toString());
        }
        commands.add(words);
        return commands;
    }
}
