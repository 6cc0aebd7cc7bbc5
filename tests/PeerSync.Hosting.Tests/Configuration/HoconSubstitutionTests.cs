using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>
/// Substitutions: forward references, self-references, optional substitutions, the environment
/// fallback and cycles. Many cases are the examples of the HOCON spec.
/// </summary>
public sealed class HoconSubstitutionTests
{
    [Fact]
    public void Substitution_looks_forward_when_the_target_is_defined_later() =>
        Hocon.AssertMeans("""{ "a": 42, "b": 42 }""", "a = ${b}\nb = 42");

    [Fact]
    public void Substitution_keeps_the_type_when_it_is_the_whole_value() =>
        Hocon.AssertMeans(
            """{ "n": 1.5, "t": true, "z": null, "o": { "x": [1] }, "a": [1], "cn": 1.5, "ct": true, "cz": null, "co": { "x": [1] }, "ca": [1] }""",
            "n = 1.5, t = true, z = null, o { x = [1] }, a = [1]\ncn = ${n}, ct = ${t}, cz = ${z}, co = ${o}, ca = ${a}");

    [Fact]
    public void Substitution_uses_the_final_value_when_the_target_is_assigned_twice() =>
        Hocon.AssertMeans(
            """{ "a": 2, "b": 2, "o": { "x": 1, "y": 2 }, "p": { "x": 1, "y": 2 } }""",
            "b = ${a}\na = 1\na = 2\np = ${o}\no { x = 1 }\no { y = 2 }");

    [Fact]
    public void Substitutions_concatenate_to_a_string_when_mixed_with_text() =>
        Hocon.AssertMeans(
            """{ "host": "h", "port": 4053, "address": "h:4053", "greeting": "hello h, port 4053!", "nil": "null x", "n": null }""",
            "host = h\nport = 4053\naddress = ${host}\":\"${port}\ngreeting = hello ${host}\", port \"${port}\"!\"\nnil = ${n} x\nn = null");

    [Fact]
    public void Substitution_in_arrays_resolves_when_elements_refer_elsewhere() =>
        Hocon.AssertMeans(
            """{ "a": "x", "list": ["x", "x y", ["x"]], "joined": ["x", 1, 2], "nums": [1, 2] }""",
            "a = x\nlist = [${a}, ${a} y, [${a}]]\njoined = [${a}] ${nums}\nnums = [1, 2]");

    [Fact]
    public void Object_concatenation_inherits_when_a_substitution_is_merged_with_an_object() =>
        Hocon.AssertMeans(
            """{ "generic": { "size": 6, "name": "?" }, "east": { "size": 6, "name": "east" } }""",
            "generic = { size = 6, name = \"?\" }\neast = ${generic} { name = east }");

    [Fact]
    public void Object_refers_to_its_own_field_when_the_path_goes_inside_it() =>
        Hocon.AssertMeans(
            """{ "bar": { "foo": 43, "baz": 43 } }""",
            "bar : { foo : 42,\n baz : ${bar.foo}\n}\nbar : { foo : 43 }");

    [Fact]
    public void Mutually_referring_objects_resolve_when_there_is_no_cycle() =>
        Hocon.AssertMeans(
            """{ "bar": { "a": 4, "b": 3 }, "foo": { "c": 3, "d": 4 } }""",
            "bar : { a : ${foo.d}, b : 1 }\nbar.b = 3\nfoo : { c : ${bar.b}, d : 2 }\nfoo.d = 4");

    [Fact]
    public void Self_reference_sees_the_earlier_value_when_a_field_builds_on_itself() =>
        Hocon.AssertMeans(
            """{ "path": "a:b:c:d", "list": ["/bin", "/usr/bin", "/opt/bin"], "o": { "a": 1, "b": 2 } }""",
            "path : \"a:b:c\"\npath : ${path}\":d\"\nlist = [ /bin ]\nlist = ${list} [ /usr/bin ]\nlist = ${list} [ /opt/bin ]\no { a = 1 }\no = ${o} { b = 2 }");

    [Fact]
    public void Self_reference_looks_below_when_it_is_part_of_a_longer_path() =>
        Hocon.AssertMeans(
            """{ "foo": { "a": 2, "c": 1 } }""",
            "foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }");

    [Fact]
    public void Self_reference_inside_a_nested_field_sees_the_earlier_value_when_merged_by_path() =>
        Hocon.AssertMeans(
            """{ "a": { "x": "1 2", "y": 0 } }""",
            "a { x = 1, y = 0 }\na { x = ${a.x} 2 }");

    [Fact]
    public void Optional_self_reference_is_empty_when_there_is_no_earlier_value() =>
        Hocon.AssertMeans("""{ "a": "foo", "b": [1] }""", "a = ${?a}foo\nb = ${?b} [1]");

    [Fact]
    public void Optional_self_reference_makes_no_field_when_it_is_the_whole_value() =>
        Hocon.AssertMeans("""{}""", "foo : ${?foo}");

    [Fact]
    public void Substitution_is_never_evaluated_when_a_later_plain_value_hides_it() =>
        Hocon.AssertMeans("""{ "foo": 42, "bar": 1 }""", "foo : ${does-not-exist}\nfoo : 42\nbar : ${bar}\nbar : 1");

    [Fact]
    public void Optional_substitution_leaves_the_earlier_value_when_it_is_undefined() =>
        Hocon.AssertMeans(
            """{ "port": 4053, "list": [1, 3], "s": "a  b", "o": { "x": 1 } }""",
            "port = 4053\nport = ${?PEERSYNC_PORT}\nlist = [1, ${?nothing}, 3]\ns = a ${?nothing} b\no = { x = 1 } ${?nothing}");

    [Fact]
    public void Optional_substitution_makes_no_field_when_all_parts_are_undefined() =>
        Hocon.AssertMeans("""{}""", "foo : ${?bar}${?baz}");

    [Fact]
    public void Optional_substitution_reads_the_environment_when_the_configuration_lacks_the_path() =>
        Hocon.AssertMeans(
            """{ "port": "5000", "secret": "s3cr3t", "home": "/home/u/data", "dotted": "v" }""",
            "port = 4053\nport = ${?PEERSYNC_PORT}\nsecret = ${PEERSYNC_SECRET}\nhome = ${HOME}/data\ndotted = ${?a.b}",
            FakeEnvironment.Of(("PEERSYNC_PORT", "5000"), ("PEERSYNC_SECRET", "s3cr3t"), ("HOME", "/home/u"), ("a.b", "v")));

    [Fact]
    public void Configuration_wins_over_the_environment_when_both_define_the_path() =>
        Hocon.AssertMeans(
            """{ "HOME": "/conf", "h": "/conf" }""",
            "HOME = /conf\nh = ${HOME}",
            FakeEnvironment.Of(("HOME", "/env")));

    [Fact]
    public void Null_in_the_configuration_blocks_the_environment_when_the_path_is_set_to_null() =>
        Hocon.AssertMeans(
            """{ "HOME": null, "h": null }""",
            "HOME = null\nh = ${HOME}",
            FakeEnvironment.Of(("HOME", "/env")));

    [Fact]
    public void Environment_variable_keeps_an_empty_value_when_it_is_set_to_empty() =>
        Hocon.AssertMeans("""{ "v": "" }""", "v = ${?EMPTY}", FakeEnvironment.Of(("EMPTY", "")));

    [Fact]
    public void Self_reference_falls_back_to_the_environment_when_there_is_no_earlier_value() =>
        Hocon.AssertMeans(
            """{ "PATH": "/bin:/opt" }""",
            "PATH = ${PATH}\":/opt\"",
            FakeEnvironment.Of(("PATH", "/bin")));

    [Fact]
    public void Both_fields_get_the_same_value_when_two_fields_refer_to_each_other_over_earlier_values()
    {
        // The spec leaves the result open (1 or 2) but requires both fields to agree.
        var root = Hocon.Parse("a : 1\nb : 2\na : ${b}\nb : ${a}");

        Assert.Equal(((HoconScalar)root["a"]).Text, ((HoconScalar)root["b"]).Text);
    }

    [Fact]
    public void Substitution_resolves_once_when_several_fields_refer_to_the_same_object()
    {
        var root = Hocon.Parse("base { x = ${v} }\nv = 1\na = ${base}\nb = ${base}");

        Assert.Same(root["a"], root["b"]);
    }

    [Fact]
    public void Undefined_substitution_is_an_error_naming_the_path_and_the_variable()
    {
        var error = Hocon.Error("a = 1\nb = x ${c.d} y");

        Assert.Equal((2, 7), (error.Line, error.Column));
        Assert.Equal("substitution ${c.d} is undefined: there is no setting 'c.d' and there is no environment variable 'c.d'", error.Problem);
    }

    [Fact]
    public void Undefined_substitution_explains_when_the_path_crosses_a_non_object()
    {
        var error = Hocon.Error("a = [1]\nb = ${a.x}");

        Assert.Contains("'a' is an array, not an object", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_reference_without_earlier_value_is_an_error_when_required()
    {
        var error = Hocon.Error("foo : ${foo}");

        Assert.Equal((1, 7), (error.Line, error.Column));
        Assert.Contains("refers to the field it defines, which has no earlier value", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_reference_is_an_error_when_it_comes_before_the_value()
    {
        var error = Hocon.Error("foo : ${foo}\nfoo : { a : 1 }");

        Assert.Contains("no earlier value", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bar : ${foo}\nfoo : ${bar}", 2, 7, "${foo} (test.conf:1:7) -> ${bar} (test.conf:2:7)")]
    [InlineData("a : ${b}\nb : ${c}\nc : ${a}", 3, 5, "${b} (test.conf:1:5) -> ${c} (test.conf:2:5) -> ${a} (test.conf:3:5)")]
    [InlineData("a : x ${b}\nb : ${a} y", 2, 5, "${b} (test.conf:1:7) -> ${a} (test.conf:2:5)")]
    public void Cycle_is_an_error_listing_the_substitutions_when_fields_refer_to_each_other(string text, int line, int column, string chain)
    {
        var error = Hocon.Error(text);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith($"substitution cycle: {chain}", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a : { b : ${a} }", "'a.b'")]
    [InlineData("a : [${a}]", "'a.0'")]
    [InlineData("a : { b : { c : ${a.b} } }", "'a.b.c'")]
    public void Cycle_is_an_error_when_a_value_contains_a_reference_to_itself(string text, string path)
    {
        var error = Hocon.Error(text);

        Assert.StartsWith("substitution cycle:", error.Problem, StringComparison.Ordinal);
        Assert.Contains($"makes {path} contain itself", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_cycle_makes_no_field_when_nothing_else_defines_it() =>
        Hocon.AssertMeans("""{}""", "a : ${?b}\nb : ${?a}");

    [Fact]
    public void Concatenation_of_different_kinds_is_an_error_when_substitutions_resolve()
    {
        var error = Hocon.Error("a = [1]\nb = ${a} text");

        Assert.Equal((2, 10), (error.Line, error.Column));
        Assert.Contains("cannot concatenate a string with an array", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plus_equals_is_an_error_when_the_previous_value_is_not_an_array()
    {
        var error = Hocon.Error("a = 1\na += 2");

        Assert.Contains("cannot concatenate", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_substitution_chain_is_an_error_instead_of_a_stack_overflow()
    {
        var text = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"a{i} = ${{a{i + 1}}}")) + "\na200 = end";

        var error = Hocon.Error(text);

        Assert.Contains($"more than {HoconResolver.MaxSubstitutionDepth} levels deep", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_substitution_chain_resolves_when_it_is_within_the_limit()
    {
        var text = string.Join('\n', Enumerable.Range(0, 100).Select(i => $"a{i} = ${{a{i + 1}}}")) + "\na100 = end";

        Assert.Equal("end", ((HoconScalar)Hocon.Parse(text)["a0"]).Text);
    }
}
