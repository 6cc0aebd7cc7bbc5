using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>
/// Every syntax error names the file, the line and column of the token at fault, and the problem.
/// (Substitution and include errors are covered with their features.)
/// </summary>
public sealed class HoconErrorTests
{
    [Theory]
    // Strings.
    [InlineData("a = \"abc", 1, 5, "unterminated quoted string")]
    [InlineData("a = \"abc\nb = 1", 1, 5, "unterminated quoted string: a quoted string must end on the line")]
    [InlineData("a = \"abc\\", 1, 5, "unterminated quoted string: it ends with a lone backslash")]
    [InlineData("a = \"x\\qy\"", 1, 7, "bad escape '\\q' in a quoted string; the escapes are")]
    [InlineData("a = \"\\u12\"", 1, 6, "bad escape '\\u': it must be followed by four hex digits")]
    [InlineData("a = \"x\ty\"", 1, 7, "control character U+0009 must be escaped")]
    [InlineData("a = 1\nb = \"\"\"abc\n", 2, 5, "unterminated triple-quoted string")]
    // Braces and brackets.
    [InlineData("a { b = 1", 1, 3, "'{' is not closed: the input ends before its '}'")]
    [InlineData("a {\n  b {\n    c = 1\n  }\n", 1, 3, "'{' is not closed")]
    [InlineData("a = 1 }", 1, 7, "'}' has no matching '{'")]
    [InlineData("a = 1\n}", 2, 1, "'}' has no matching '{'")]
    [InlineData("{ a = 1 }}", 1, 10, "'}' has no matching '{'")]
    [InlineData("a = 1\n]", 2, 1, "']' has no matching '['")]
    [InlineData("a = [1, 2", 1, 5, "'[' is not closed: the input ends before its ']'")]
    [InlineData("a = [1, 2}", 1, 10, "expected ']' to close the array opened at 1:5, found '}'")]
    [InlineData("a { b = [1] ]", 1, 13, "expected '}' to close the object opened at 1:3, found ']'")]
    [InlineData("a {\n b = 1\n]", 3, 1, "expected '}' to close the object opened at 1:3, found ']'")]
    [InlineData("{ a = 1 } b = 2", 1, 11, "unexpected 'b' after the end of the document")]
    // Separators and values.
    [InlineData("a = ", 1, 5, "expected a value, found the end of the input")]
    [InlineData("a = }", 1, 5, "expected a value, found '}'")]
    [InlineData("a [1]", 1, 3, "expected ':', '=', '+=' or '{' after the key a, found '['")]
    [InlineData("a b", 1, 4, "expected ':', '=', '+=' or '{' after the key \"a b\", found the end of the input")]
    [InlineData("a = 1 b = 2", 1, 9, "expected ',' or a newline after a field, found '='")]
    [InlineData("a = 1,, b = 2", 1, 7, "unexpected ','")]
    [InlineData(", a = 1", 1, 1, "unexpected ','")]
    [InlineData("a = [,1]", 1, 6, "unexpected ','")]
    [InlineData("a = [1,,2]", 1, 8, "unexpected ','")]
    [InlineData("a = [1 : 2]", 1, 8, "expected ',', a newline or ']' after an array element, found ':'")]
    [InlineData("a = [1] x", 1, 9, "cannot concatenate a string with an array")]
    [InlineData("a = { b = 1 } [2]", 1, 15, "cannot concatenate an array with an object")]
    // Characters that unquoted text may not contain.
    [InlineData("a = b@c", 1, 6, "'@' is not allowed here; quote text that contains it")]
    [InlineData("a = $x", 1, 5, "'$' may only start a substitution")]
    [InlineData("a + 1", 1, 3, "'+' may only appear in '+='")]
    // Keys.
    [InlineData("${a} = 1", 1, 1, "substitutions are not allowed in keys")]
    [InlineData("a ${b} = 1", 1, 3, "substitutions are not allowed in keys")]
    [InlineData("a..b = 1", 1, 1, "the key 'a..b' has an empty key; quote it")]
    [InlineData(".a = 1", 1, 1, "the key '.a' has an empty key")]
    [InlineData("x = 1\n  a. = 1", 2, 3, "the key 'a.' ends with '.'")]
    [InlineData("[ { a += 1 } ]", 1, 7, "'+=' cannot be used in an object inside an array")]
    // Substitutions.
    [InlineData("a = ${b", 1, 5, "unterminated substitution: '${' without a closing '}'")]
    [InlineData("a = ${b\n}", 1, 5, "unterminated substitution")]
    [InlineData("a = ${}", 1, 5, "the substitution is empty")]
    [InlineData("a = ${ }", 1, 5, "the substitution is empty")]
    [InlineData("a = ${b!}", 1, 8, "'!' is not allowed in a substitution")]
    [InlineData("a = ${b..c}", 1, 5, "the substitution has an empty key")]
    // Includes.
    [InlineData("include foo", 1, 9, "include must be followed by a quoted name")]
    [InlineData("include file(foo)", 1, 14, "file(...) must contain a single quoted name")]
    [InlineData("include required(\"x.conf\"", 1, 26, "expected ')' in the include argument required(...)")]
    [InlineData("include required(required(\"x\"))", 1, 18, "include must be followed by a quoted name")]
    [InlineData("include = 1", 1, 9, "include must be followed by a quoted name")]
    public void Error_points_at_the_token_when_syntax_is_wrong(string text, int line, int column, string problem)
    {
        var error = Hocon.Error(text);

        Assert.Equal(("test.conf", line, column), (error.File, error.Line, error.Column));
        Assert.StartsWith(problem, error.Problem, StringComparison.Ordinal);
        Assert.Equal($"test.conf:{line}:{column}: {error.Problem}", error.Message);
    }

    [Fact]
    public void Error_counts_columns_from_one_when_lines_have_tabs_and_crlf()
    {
        var error = Hocon.Error("a = 1\r\n\tb = \"x\\z\"");

        Assert.Equal((2, 8), (error.Line, error.Column));
    }

    [Fact]
    public void Error_reports_nesting_instead_of_overflowing_the_stack_when_input_is_deeply_nested()
    {
        var error = Hocon.Error("a = " + new string('[', 1000) + new string(']', 1000));

        Assert.Equal((1, 5 + HoconParser.MaxDepth), (error.Line, error.Column));
        Assert.Contains($"nested more than {HoconParser.MaxDepth} levels deep", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_uses_the_default_source_name_when_text_has_no_name()
    {
        var error = Assert.Throws<HoconParseException>(() => HoconLoader.Parse("a = \"x"));

        Assert.StartsWith($"{HoconLoader.DefaultSourceName}:1:5: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_rejects_a_malformed_path_expression_when_it_has_an_empty_key()
    {
        var root = Hocon.Parse("a = 1");

        Assert.Throws<HoconParseException>(() => root.Find("a..b"));
        Assert.Throws<HoconParseException>(() => root.Find("a}b"));
    }
}
