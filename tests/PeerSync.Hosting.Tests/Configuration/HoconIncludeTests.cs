using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>Includes: locating files, the three syntaxes, merging, substitution fix-up and errors.</summary>
public sealed class HoconIncludeTests : IDisposable
{
    private static readonly HoconParseOptions NoEnvironment = new() { EnvironmentLookup = FakeEnvironment.Empty };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Include_resolves_relative_to_the_including_file_when_files_are_nested()
    {
        var root = _dir.Write("conf/root.conf", "include \"sub/a.conf\"\nfromRoot = 1");
        _dir.Write("conf/sub/a.conf", "fromA = 2\ninclude \"b.conf\"");
        _dir.Write("conf/sub/b.conf", "fromB = 3");
        _dir.Write("b.conf", "wrong = true");

        JsonAssert.Equivalent("""{ "fromA": 2, "fromB": 3, "fromRoot": 1 }""", Load(root));
    }

    [Theory]
    [InlineData("include \"other.conf\"")]
    [InlineData("include file(\"other.conf\")")]
    [InlineData("include file( \"other.conf\" )")]
    [InlineData("include required(\"other.conf\")")]
    [InlineData("include required( file(\"other.conf\") )")]
    [InlineData("include\n  \"other.conf\"")]
    public void Include_reads_the_file_when_written_in_any_supported_form(string statement)
    {
        var root = _dir.Write("root.conf", statement);
        _dir.Write("other.conf", "x = 1");

        JsonAssert.Equivalent("""{ "x": 1 }""", Load(root));
    }

    [Fact]
    public void Include_keeps_absolute_paths_when_the_name_is_rooted()
    {
        var other = _dir.Write("elsewhere/other.conf", "x = 1");
        var root = _dir.Write("dir/root.conf", $"include file({System.Text.Json.JsonSerializer.Serialize(other)})");

        JsonAssert.Equivalent("""{ "x": 1 }""", Load(root));
    }

    [Fact]
    public void Include_is_ignored_when_an_optional_file_is_missing()
    {
        var root = _dir.Write("root.conf", "include \"missing.conf\"\ninclude \"missing\"\nx = 1");

        JsonAssert.Equivalent("""{ "x": 1 }""", Load(root));
    }

    [Fact]
    public void Required_include_is_an_error_naming_the_path_when_the_file_is_missing()
    {
        var root = _dir.Write("root.conf", "x = 1\n  include required(file(\"missing.conf\"))");

        var error = Assert.Throws<HoconParseException>(() => Load(root));

        Assert.Equal((root, 2, 3), (error.File, error.Line, error.Column));
        Assert.Equal($"the required include '{Path.Combine(_dir.Path, "missing.conf")}' does not exist", error.Problem);
    }

    [Fact]
    public void Required_include_without_extension_is_an_error_listing_every_name_tried()
    {
        var root = _dir.Write("root.conf", "include required(\"missing\")");

        var error = Assert.Throws<HoconParseException>(() => Load(root));

        var missing = Path.Combine(_dir.Path, "missing");
        Assert.Contains($"(tried {missing}.properties, {missing}.json, {missing}.conf)", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_without_extension_merges_all_three_syntaxes_when_they_exist()
    {
        // .properties first, then .json, then .conf: the later one wins on a shared key.
        var root = _dir.Write("root.conf", "settings { include \"x\" }");
        _dir.Write("x.properties", "a=prop\nb=prop\nc=prop\nn.deep=1");
        _dir.Write("x.json", """{ "b": "json", "c": "json", "n": { "json": true } }""");
        _dir.Write("x.conf", "c = conf, n.conf = 2");

        JsonAssert.Equivalent(
            """{ "settings": { "a": "prop", "b": "json", "c": "conf", "n": { "deep": "1", "json": true, "conf": 2 } } }""",
            Load(root));
    }

    [Fact]
    public void Include_merges_with_fields_around_it_when_keys_repeat()
    {
        var root = _dir.Write("root.conf", "a { x = 1, y = 1 }\ninclude \"mid.conf\"\na.z = 3");
        _dir.Write("mid.conf", "a { y = 2, z = 2 }\nb = 2");

        JsonAssert.Equivalent("""{ "a": { "x": 1, "y": 2, "z": 3 }, "b": 2 }""", Load(root));
    }

    [Fact]
    public void Included_substitution_is_fixed_up_when_the_file_is_included_inside_an_object()
    {
        // The spec's example: ${x} in foo.conf means ${a.x}, and sees a later redefinition of a.x.
        var root = _dir.Write("root.conf", "a : { include \"foo.conf\" }\na : { x : 42 }\nb : { include \"foo.conf\" }");
        _dir.Write("foo.conf", "x : 10, y : ${x}");

        JsonAssert.Equivalent("""{ "a": { "x": 42, "y": 42 }, "b": { "x": 10, "y": 10 } }""", Load(root));
    }

    [Fact]
    public void Included_substitution_falls_back_to_the_root_when_the_fixed_up_path_is_missing()
    {
        var root = _dir.Write("root.conf", "cluster-name = peersync\nnode { include \"node.conf\" }");
        _dir.Write("node.conf", "name = ${cluster-name}-n1\nroles += hub\nroles += ${?extra-role}");

        JsonAssert.Equivalent(
            """{ "cluster-name": "peersync", "node": { "name": "peersync-n1", "roles": ["hub"] } }""",
            Load(root));
    }

    [Fact]
    public void Included_plus_equals_appends_when_the_including_file_set_the_array_first()
    {
        var root = _dir.Write("root.conf", "a { list = [1] }\na { include \"more.conf\" }");
        _dir.Write("more.conf", "list += 2");

        JsonAssert.Equivalent("""{ "a": { "list": [1, 2] } }""", Load(root));
    }

    [Fact]
    public void Include_cycle_is_an_error_naming_the_files_when_a_file_includes_itself_indirectly()
    {
        var a = _dir.Write("a.conf", "include \"b.conf\"");
        var b = _dir.Write("b.conf", "x = 1\ninclude \"a.conf\"");

        var error = Assert.Throws<HoconParseException>(() => Load(a));

        Assert.Equal((Path.Combine(_dir.Path, "b.conf"), 2, 1), (error.File, error.Line, error.Column));
        Assert.Equal($"include cycle: {a} -> {b} -> {a}", error.Problem);
    }

    [Fact]
    public void Error_in_an_included_file_names_that_file_and_position()
    {
        var root = _dir.Write("root.conf", "include \"sub/bad.conf\"");
        _dir.Write("sub/bad.conf", "ok = 1\nbad = \"unterminated");

        var error = Assert.Throws<HoconParseException>(() => Load(root));

        Assert.Equal((Path.Combine(_dir.Path, "sub", "bad.conf"), 2, 7), (error.File, error.Line, error.Column));
    }

    [Fact]
    public void Included_file_is_an_error_when_its_root_is_an_array()
    {
        var root = _dir.Write("root.conf", "include \"list.json\"");
        _dir.Write("list.json", "[1, 2]");

        var error = Assert.Throws<HoconParseException>(() => Load(root));

        Assert.Equal(Path.Combine(_dir.Path, "list.json"), error.File);
        Assert.Contains("must be an object, not an array", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_is_an_error_naming_the_file_when_it_cannot_be_read()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "dir.conf"));
        var root = _dir.Write("root.conf", "include \"dir.conf\"");

        var error = Assert.Throws<HoconParseException>(() => Load(root));

        Assert.Equal((root, 1, 1), (error.File, error.Line, error.Column));
        Assert.StartsWith($"cannot read the included file '{Path.Combine(_dir.Path, "dir.conf")}'", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include url(\"http://example.org/a.conf\")", "URL includes are not supported")]
    [InlineData("include \"https://example.org/a.conf\"", "URL includes are not supported")]
    [InlineData("include classpath(\"a.conf\")", "classpath resources are a JVM feature")]
    public void Include_is_an_error_when_the_resource_kind_is_unsupported(string statement, string problem)
    {
        var root = _dir.Write("root.conf", statement);

        var error = Assert.Throws<HoconParseException>(() => Load(root));

        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_include_in_text_is_an_error_when_no_base_directory_is_set()
    {
        var error = Assert.Throws<HoconParseException>(() => HoconLoader.Parse("include \"x.conf\"", "text", NoEnvironment));

        Assert.Contains("this text was not read from a file", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_include_in_text_resolves_against_the_base_directory_when_one_is_set()
    {
        _dir.Write("x.conf", "x = 1");

        var root = HoconLoader.Parse("include \"x.conf\"", "text", new HoconParseOptions { BaseDirectory = _dir.Path });

        JsonAssert.Equivalent("""{ "x": 1 }""", root.ToJson());
    }

    [Fact]
    public void Properties_file_maps_to_strings_when_read_the_java_way()
    {
        const string properties = """
            # comment
              ! also a comment
            plain=value
            spaced   =   spaced value  
            colon:yes
            white space
            escaped\ key=tab\there\u0041
            continued=first \
                      second
            number=42
            a=hello
            a.b=world
            empty.=trailing
            """;
        var file = _dir.Write("x.properties", properties);

        JsonAssert.Equivalent(
            """
            { "plain": "value", "spaced": "spaced value  ", "colon": "yes", "white": "space",
              "escaped key": "tab\there" + "A", "continued": "first second", "number": "42",
              "a": { "b": "world" }, "empty": { "": "trailing" } }
            """.Replace("\" + \"", "", StringComparison.Ordinal),
            HoconLoader.LoadFile(file, NoEnvironment).ToJson());
    }

    [Fact]
    public void Properties_file_keeps_the_object_when_a_later_line_sets_a_string_at_its_key()
    {
        var file = _dir.Write("x.properties", "a.b=world\na=hello");

        JsonAssert.Equivalent("""{ "a": { "b": "world" } }""", HoconLoader.LoadFile(file, NoEnvironment).ToJson());
    }

    [Fact]
    public void Properties_file_is_an_error_when_a_unicode_escape_is_malformed()
    {
        var file = _dir.Write("x.properties", "ok=1\nbad=\\u12");

        var error = Assert.Throws<HoconParseException>(() => HoconLoader.LoadFile(file, NoEnvironment));

        Assert.Equal((2, 1), (error.Line, error.Column));
    }

    [Fact]
    public void Load_file_is_an_error_naming_the_path_when_the_file_is_missing()
    {
        var missing = Path.Combine(_dir.Path, "nope.conf");

        var error = Assert.Throws<FileNotFoundException>(() => HoconLoader.LoadFile(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_any_syntax_is_an_error_listing_the_names_when_none_exists()
    {
        var missing = Path.Combine(_dir.Path, "nope");

        var error = Assert.Throws<FileNotFoundException>(() => HoconLoader.LoadFileAnySyntax(missing));

        Assert.Contains($"{missing}.properties, {missing}.json, {missing}.conf", error.Message, StringComparison.Ordinal);
    }

    private static System.Text.Json.Nodes.JsonNode Load(string path) => HoconLoader.LoadFile(path, NoEnvironment).ToJson();
}
