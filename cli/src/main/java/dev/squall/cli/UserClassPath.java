package dev.squall.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The user's classes for {@code squall compile --classpath}: directories and jars, separated by the
 * platform's path separator ({@code :} on Linux and macOS), loaded by a {@link URLClassLoader} whose
 * parent is the CLI's own loader, so Squall's API classes are the CLI's and kernels link against
 * them. Empty elements of the list are ignored. Also lists class names, for error messages.
 */
final class UserClassPath implements AutoCloseable {

    private final List<Path> entries;
    private final URLClassLoader loader;

    private UserClassPath(List<Path> entries, URLClassLoader loader) {
        this.entries = entries;
        this.loader = loader;
    }

    /**
     * Parses a path list (null or blank for none).
     *
     * @throws IllegalArgumentException naming an entry that does not exist or is neither a directory nor a jar
     */
    static UserClassPath of(String pathList, ClassLoader parent) {
        List<Path> entries = new ArrayList<>();
        List<URL> urls = new ArrayList<>();
        if (pathList != null) {
            for (String element : pathList.split(File.pathSeparator)) {
                if (element.isBlank()) {
                    continue;
                }
                Path entry = Path.of(element).toAbsolutePath().normalize();
                if (!Files.exists(entry)) {
                    throw new IllegalArgumentException("class path entry '" + element + "' does not exist");
                }
                if (!Files.isDirectory(entry) && !isArchive(entry)) {
                    throw new IllegalArgumentException("class path entry '" + element
                            + "' is neither a directory nor a jar; give the directory that holds the package folders");
                }
                entries.add(entry);
                try {
                    urls.add(entry.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("class path entry '" + element + "': " + e.getMessage(), e);
                }
            }
        }
        return new UserClassPath(List.copyOf(entries), new URLClassLoader(urls.toArray(URL[]::new), parent));
    }

    private static boolean isArchive(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && (name.endsWith(".jar") || name.endsWith(".zip"));
    }

    ClassLoader loader() {
        return loader;
    }

    List<Path> entries() {
        return entries;
    }

    /**
     * Binary names of the classes in {@code packageName} that the loader (or its parents) can see,
     * sorted. Jars need not hold folder entries, so the {@code --classpath} entries are also scanned.
     */
    List<String> classesInPackage(String packageName) {
        String folder = packageName.replace('.', '/');
        TreeSet<String> names = new TreeSet<>();
        classesInEntries().stream().filter(n -> n.lastIndexOf('.') == packageName.length() && n.startsWith(packageName))
                .forEach(names::add);
        try {
            Enumeration<URL> roots = loader.getResources(folder);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                switch (root.getProtocol()) {
                    case "file" -> classesInFolder(Path.of(root.toURI()), packageName, false, names);
                    case "jar" -> classesInJarFolder(root, folder, names);
                    default -> { } // jrt: the JDK's own packages are not where kernels live
                }
            }
        } catch (IOException | UncheckedIOException | URISyntaxException e) {
            // a listing for an error message: an unreadable root leaves it shorter, nothing more
        }
        return List.copyOf(names);
    }

    /** Binary names of every class in the {@code --classpath} entries, sorted. */
    List<String> classesInEntries() {
        TreeSet<String> names = new TreeSet<>();
        for (Path entry : entries) {
            try {
                if (Files.isDirectory(entry)) {
                    classesInFolder(entry, "", true, names);
                } else {
                    try (JarFile jar = new JarFile(entry.toFile())) {
                        jar.stream().map(JarEntry::getName).forEach(n -> addClass(n, names));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // as above: the listing is for a message
            }
        }
        return List.copyOf(names);
    }

    private static void classesInFolder(Path folder, String packageName, boolean recursive, TreeSet<String> names)
            throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = recursive ? Files.walk(folder) : Files.list(folder)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String relative = folder.relativize(file).toString().replace(File.separatorChar, '/');
                addClass(packageName.isEmpty() ? relative : packageName.replace('.', '/') + "/" + relative, names);
            });
        }
    }

    private static void classesInJarFolder(URL root, String folder, TreeSet<String> names) throws IOException {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            jar.stream().map(JarEntry::getName)
                    .filter(n -> n.startsWith(folder + "/") && n.indexOf('/', folder.length() + 1) < 0)
                    .forEach(n -> addClass(n, names));
        }
    }

    /**
     * Adds the binary name of a class file path ({@code a/b/C.class}), skipping module and package
     * infos and nested classes (they still load when named; listing them would bury the rest).
     */
    private static void addClass(String path, TreeSet<String> names) {
        if (!path.endsWith(".class")) {
            return;
        }
        String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
        String simple = name.substring(name.lastIndexOf('.') + 1);
        if (simple.equals("module-info") || simple.equals("package-info") || simple.contains("$")) {
            return;
        }
        names.add(name);
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
