package dev.profilekit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.ProfileUpdater;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What profile-core shows its users: {@code module-info} exports only API packages (no {@code internal} package,
 * unless only {@code to} named modules), the public signatures of the exported packages name no type a user cannot
 * name, and the mutable per-user state is not among them (hosts hold it as the opaque {@code KernelState}).
 */
class ApiSurfaceTest {

    private static final Path MODULE_INFO = Path.of("src", "main", "java", "module-info.java");
    private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*(to\\b[^;]*)?;");

    @Test
    void onlyApiPackagesAreExported() {
        Set<String> exported = exported();
        assertThat(exported).contains("dev.profilekit.core.engine", "dev.profilekit.core.snapshot")
                .noneMatch(p -> p.endsWith(".internal") || p.contains(".internal."));
        assertThat(Files.isDirectory(Path.of("src", "main", "java", "dev", "profilekit", "core", "snapshot",
                "internal"))).as("the snapshot code's package").isTrue();
    }

    @Test
    void theSnapshotCodeIsOutsideTheEngine() {
        for (String name : List.of("SnapshotFile", "Snapshots")) {
            assertThat(exists("dev.profilekit.core.engine." + name)).as("engine.%s", name).isFalse();
            assertThat(exists("dev.profilekit.core.snapshot.internal." + name)).as("snapshot.internal.%s", name)
                    .isTrue();
        }
    }

    @Test
    void thePerUserStateIsNotPublicAndTheKernelNamesOnlyItsHandle() throws ClassNotFoundException {
        Class<?> state = Class.forName("dev.profilekit.core.engine.ProfileState");
        assertThat(Modifier.isPublic(state.getModifiers())).as("ProfileState is public").isFalse();
        List<String> naming = new ArrayList<>();
        for (Method m : ProfileKernel.class.getMethods()) {
            for (Type t : signature(m)) {
                if (mentions(t, state, new TreeSet<>())) {
                    naming.add(m.toGenericString());
                }
            }
        }
        assertThat(naming).isEmpty();
    }

    /** Every public or protected member of a public class of an exported package names only public types. */
    @Test
    void theExportedSignaturesNameOnlyPublicTypes() {
        List<String> hidden = new ArrayList<>();
        int checked = 0;
        for (String pkg : exported()) {
            for (Class<?> c : classesOf(pkg)) {
                if (!visible(c)) {
                    continue;
                }
                checked++;
                List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
                members.addAll(List.of(c.getDeclaredConstructors()));
                for (Executable e : members) {
                    if (reachable(e.getModifiers(), c) && !e.isSynthetic()) {
                        for (Type t : signature(e)) {
                            hiddenIn(t, new TreeSet<>()).forEach(h -> hidden.add(e.toGenericString() + ": " + h));
                        }
                    }
                }
                for (Field f : c.getDeclaredFields()) {
                    if (reachable(f.getModifiers(), c) && !f.isSynthetic()) {
                        hiddenIn(f.getGenericType(), new TreeSet<>()).forEach(h -> hidden.add(f + ": " + h));
                    }
                }
            }
        }
        assertThat(checked).as("public classes checked").isGreaterThan(50);
        assertThat(hidden).isEmpty();
    }

    private static boolean reachable(int modifiers, Class<?> owner) {
        return Modifier.isPublic(modifiers)
                || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
    }

    /** Public, and so is every class enclosing it. */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static List<Type> signature(Executable e) {
        List<Type> types = new ArrayList<>(List.of(e.getGenericParameterTypes()));
        types.addAll(List.of(e.getGenericExceptionTypes()));
        if (e instanceof Method m) {
            types.add(m.getGenericReturnType());
        }
        return types;
    }

    /** The project's classes named in {@code t} that a user cannot name. */
    private static List<String> hiddenIn(Type t, Set<String> seen) {
        List<String> out = new ArrayList<>();
        walk(t, seen, c -> {
            if (c.getName().startsWith("dev.profilekit.") && !visible(c)) {
                out.add(c.getName());
            }
        });
        return out;
    }

    private static boolean mentions(Type t, Class<?> which, Set<String> seen) {
        boolean[] found = {false};
        walk(t, seen, c -> found[0] |= c == which);
        return found[0];
    }

    private static void walk(Type t, Set<String> seen, java.util.function.Consumer<Class<?>> sink) {
        if (t instanceof Class<?> c) {
            sink.accept(c.isArray() ? c.getComponentType() : c);
        } else if (t instanceof ParameterizedType p) {
            walk(p.getRawType(), seen, sink);
            for (Type a : p.getActualTypeArguments()) {
                walk(a, seen, sink);
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                walk(b, seen, sink);
            }
            for (Type b : w.getLowerBounds()) {
                walk(b, seen, sink);
            }
        } else if (t instanceof GenericArrayType g) {
            walk(g.getGenericComponentType(), seen, sink);
        } else if (t instanceof TypeVariable<?> v && seen.add(v.getGenericDeclaration() + "#" + v.getName())) {
            for (Type b : v.getBounds()) {
                walk(b, seen, sink);
            }
        }
    }

    private static Set<String> exported() {
        try {
            String text = Files.readString(MODULE_INFO).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            Set<String> out = new TreeSet<>();
            Matcher m = EXPORTS.matcher(text);
            while (m.find()) {
                if (m.group(2) == null) { // a qualified export is not API
                    out.add(m.group(1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compiled classes of {@code pkg} (top-level and nested), from the main classes' directory. */
    private static List<Class<?>> classesOf(String pkg) {
        Path dir;
        try {
            dir = Path.of(ProfileUpdater.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve(pkg.replace('.', '/'));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.equals("package-info.class")) {
                    out.add(Class.forName(pkg + "." + name.substring(0, name.length() - 6), false,
                            ApiSurfaceTest.class.getClassLoader()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static boolean exists(String name) {
        try {
            Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
