using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>The HOCON syntax, feature by feature, checked through the resolved JSON.</summary>
public sealed class HoconSyntaxTests
{
    [Theory]
    [InlineData("{ a: 1 }")]
    [InlineData("a: 1")]
    [InlineData("a = 1")]
    [InlineData("\n\n  a : 1  \n\n")]
    [InlineData("{\"a\": 1}")]
    public void Root_object_means_the_same_when_braces_and_separators_vary(string text) =>
        Hocon.AssertMeans("""{ "a": 1 }""", text);

    [Theory]
    [InlineData("")]
    [InlineData("   \n # only a comment\n// and another")]
    [InlineData("{}")]
    public void Document_is_an_empty_object_when_it_has_no_fields(string text) =>
        Hocon.AssertMeans("{}", text);

    [Theory]
    [InlineData("a { b: 1 }")]
    [InlineData("a\n{ b: 1 }")]
    [InlineData("a = { b: 1 }")]
    [InlineData("a : {\n b: 1\n}")]
    public void Separator_may_be_omitted_when_the_value_is_an_object(string text) =>
        Hocon.AssertMeans("""{ "a": { "b": 1 } }""", text);

    [Theory]
    [InlineData("a: 1, b: 2")]
    [InlineData("a: 1\nb: 2")]
    [InlineData("a: 1,\nb: 2,")]
    [InlineData("a: 1\n\n\nb: 2\n")]
    [InlineData("{ a: 1, b: 2, }")]
    public void Fields_are_separated_when_commas_or_newlines_are_used(string text) =>
        Hocon.AssertMeans("""{ "a": 1, "b": 2 }""", text);

    [Theory]
    [InlineData("a: [1, 2, 3]")]
    [InlineData("a: [1, 2, 3,]")]
    [InlineData("a: [\n1\n2\n3\n]")]
    [InlineData("a: [1,\n2,\n 3]")]
    [InlineData("a: [1, 2] [3]")]
    public void Array_elements_are_separated_when_commas_or_newlines_are_used(string text) =>
        Hocon.AssertMeans("""{ "a": [1, 2, 3] }""", text);

    [Fact]
    public void Document_is_rejected_when_its_root_is_an_array()
    {
        var error = Hocon.Error("[1, 2]");

        Assert.Contains("must be an object", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_are_ignored_when_they_use_hash_or_double_slash()
    {
        const string text = """
            # leading
            a = 1 // trailing
            b = "not // a comment # either" # but this is
            // c = 3
            url = "http://example.org"
            """;

        Hocon.AssertMeans("""{ "a": 1, "b": "not // a comment # either", "url": "http://example.org" }""", text);
    }

    [Fact]
    public void Quoted_string_is_unescaped_when_it_has_json_escapes()
    {
        var root = Hocon.Parse(""" s = "q\" b\\ s\/ \b\f\n\r\t \u00e9\u0041" """);

        Assert.Equal("q\" b\\ s/ \b\f\n\r\t éA", ((HoconScalar)root["s"]).Text);
    }

    [Fact]
    public void Triple_quoted_string_keeps_newlines_and_backslashes_when_written_raw()
    {
        var root = Hocon.Parse("s = \"\"\"line 1\n  \"quoted\" \\n raw\nline 3\"\"\"");

        Assert.Equal("line 1\n  \"quoted\" \\n raw\nline 3", ((HoconScalar)root["s"]).Text);
    }

    [Theory]
    [InlineData("a = 42", HoconValueKind.Number, "42")]
    [InlineData("a = -1.5e3", HoconValueKind.Number, "-1.5e3")]
    [InlineData("a = 1e+5", HoconValueKind.Number, "1e+5")]
    [InlineData("a = 8.0", HoconValueKind.Number, "8.0")]
    [InlineData("a = .5", HoconValueKind.Number, ".5")]
    [InlineData("a = true", HoconValueKind.Boolean, "true")]
    [InlineData("a = false", HoconValueKind.Boolean, "false")]
    [InlineData("a = null", HoconValueKind.Null, "null")]
    [InlineData("a = \"42\"", HoconValueKind.String, "42")]
    [InlineData("a = \"true\"", HoconValueKind.String, "true")]
    [InlineData("a = keep-majority", HoconValueKind.String, "keep-majority")]
    [InlineData("a = 100ms", HoconValueKind.String, "100ms")]
    [InlineData("a = 127.0.0.1", HoconValueKind.String, "127.0.0.1")]
    [InlineData("a = truefoo", HoconValueKind.String, "truefoo")]
    [InlineData("a = off", HoconValueKind.String, "off")]
    [InlineData("a = include", HoconValueKind.String, "include")]
    public void Scalar_kind_is_detected_when_value_is_written(string text, HoconValueKind kind, string expected)
    {
        var value = (HoconScalar)Hocon.Parse(text)["a"];

        Assert.Equal((kind, expected), (value.Kind, value.Text));
    }

    [Theory]
    [InlineData("a = foo bar  baz", "foo bar  baz")]
    [InlineData("a =   foo bar   ", "foo bar")]
    [InlineData("a = null bar 42 baz true 3.14 hi", "null bar 42 baz true 3.14 hi")]
    [InlineData("a = \"x\"y\"z\"", "xyz")]
    [InlineData("a = 1 2 3", "1 2 3")]
    [InlineData("a = 10.0bar", "10.0bar")]
    [InlineData("a = \"\"\"x\"\"\" y", "x y")]
    public void Simple_values_concatenate_to_a_string_when_on_one_line(string text, string expected) =>
        Assert.Equal(expected, ((HoconScalar)Hocon.Parse(text)["a"]).Text);

    [Fact]
    public void Objects_merge_and_arrays_append_when_concatenated()
    {
        Hocon.AssertMeans(
            """{ "o": { "x": 1, "y": 3, "z": 4 }, "a": [1, 2, 3, 4], "nested": [[1, 2, 3]] }""",
            "o = { x: 1, y: 2 } { y: 3 } {z: 4}\na = [1, 2] [3] [4]\nnested = [ [1, 2] [3] ]");
    }

    [Fact]
    public void Array_holds_one_string_when_elements_are_separated_only_by_spaces() =>
        Hocon.AssertMeans("""{ "a": ["1 2 3 4"] }""", "a = [ 1 2 3 4 ]");

    [Theory]
    [InlineData("a.b.c = 1", """{ "a": { "b": { "c": 1 } } }""")]
    [InlineData("a.\"b.c\" = 1", """{ "a": { "b.c": 1 } }""")]
    [InlineData("\"a.b\".c = 1", """{ "a.b": { "c": 1 } }""")]
    [InlineData("a.\"\".b = 1", """{ "a": { "": { "b": 1 } } }""")]
    [InlineData("a b c = 1", """{ "a b c": 1 }""")]
    [InlineData("foo\"10.0\" = 1", """{ "foo10.0": 1 }""")]
    [InlineData("10.0foo = 1", """{ "10": { "0foo": 1 } }""")]
    [InlineData("true = 1", """{ "true": 1 }""")]
    [InlineData("3.14 = 1", """{ "3": { "14": 1 } }""")]
    [InlineData("batch-window = 1", """{ "batch-window": 1 }""")]
    [InlineData("includes = 1", """{ "includes": 1 }""")]
    [InlineData("foo include = 1", """{ "foo include": 1 }""")]
    [InlineData("\"include\" = 1", """{ "include": 1 }""")]
    public void Key_is_a_path_when_it_has_unquoted_dots(string text, string expectedJson) =>
        Hocon.AssertMeans(expectedJson, text);

    [Fact]
    public void Path_keys_merge_into_one_object_when_they_share_a_prefix() =>
        Hocon.AssertMeans(
            """{ "a": { "x": 42, "y": 43, "b": { "c": 1 } } }""",
            "a.x = 42, a.y = 43\na { b.c = 1 }");

    [Fact]
    public void Duplicate_key_merges_when_both_values_are_objects() =>
        Hocon.AssertMeans(
            """{ "foo": { "a": 42, "b": 43, "c": { "x": 1, "y": 2 } } }""",
            "foo { a: 42, c { x: 1 } }\nfoo { b: 43, c { y: 2 } }");

    [Fact]
    public void Duplicate_key_replaces_when_either_value_is_not_an_object() =>
        Hocon.AssertMeans(
            """{ "a": 2, "b": { "y": 2 }, "c": [3] }""",
            "a { x: 1 }\na = 2\nb { x: 1 }\nb = null\nb { y: 2 }\nc = [1, 2]\nc = [3]");

    [Fact]
    public void Plus_equals_appends_when_the_field_is_new_or_an_array() =>
        Hocon.AssertMeans(
            """{ "a": [1, 2, [3]], "b": { "roles": ["hub"] } }""",
            "a += 1\na += 2\na += [3]\nb { roles += hub }");

    [Fact]
    public void Plus_equals_appends_to_the_previous_value_when_the_array_came_from_a_path_key() =>
        Hocon.AssertMeans(
            """{ "peersync": { "node": { "roles": ["hub", "edge"] } } }""",
            "peersync.node.roles = [hub]\npeersync { node.roles += edge }");

    [Fact]
    public void Unquoted_whitespace_is_trimmed_when_it_surrounds_a_value_but_kept_between_pieces()
    {
        var root = Hocon.Parse("a = \t  x  \"y\"  z \t\nb = \" padded \"");

        Assert.Equal(("x  y  z", " padded "), (((HoconScalar)root["a"]).Text, ((HoconScalar)root["b"]).Text));
    }

    [Fact]
    public void Unicode_whitespace_separates_tokens_when_it_is_a_nonbreaking_space_or_bom() =>
        Hocon.AssertMeans("""{ "a": 1, "b": "x\u2003y" }""", "\uFEFFa\u00A0=\u20071\nb = x\u2003y");

    [Fact]
    public void Keys_keep_their_order_when_the_tree_is_resolved()
    {
        var root = Hocon.Parse("z = 1\na = 2\nm { y = 1, b = 2 }\nz = 3");

        Assert.Equal(["z", "a", "m"], root.Keys);
        Assert.Equal(["y", "b"], ((HoconObject)root["m"]).Keys);
    }

    [Fact]
    public void Find_follows_a_path_expression_when_keys_are_quoted()
    {
        var root = Hocon.Parse("a { \"b.c\" { d = 1 } }");

        Assert.Equal("1", ((HoconScalar)root.Find("a.\"b.c\".d")!).Text);
        Assert.Null(root.Find("a.b"));
        Assert.Null(root.Find("a.\"b.c\".d.e"));
    }

    [Fact]
    public void Origin_points_at_the_definition_when_values_are_resolved()
    {
        var root = Hocon.Parse("a {\n  b = 1\n}\nc = [x, \"y\"]");

        Assert.Equal(new HoconOrigin("test.conf", 2, 7), ((HoconObject)root["a"])["b"].Origin);
        Assert.Equal(new HoconOrigin("test.conf", 4, 9), ((HoconArray)root["c"])[1].Origin);
        Assert.Equal("test.conf:2:7", ((HoconObject)root["a"])["b"].Origin.ToString());
    }
}
