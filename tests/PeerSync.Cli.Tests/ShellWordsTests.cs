using PeerSync.Cli.Parsing;

namespace PeerSync.Cli.Tests;

public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("cluster show", new[] { "cluster", "show" })]
    [InlineData("  cluster \t show  ", new[] { "cluster", "show" })]
    [InlineData("get \"a b\" 'c d'", new[] { "get", "a b", "c d" })]
    [InlineData("put k '{\"x\": \"y z\"}'", new[] { "put", "k", "{\"x\": \"y z\"}" })]
    [InlineData("put k \"{\\\"x\\\": 1}\"", new[] { "put", "k", "{\"x\": 1}" })]
    [InlineData("a\"b c\"'d'e", new[] { "ab cde" })]
    [InlineData("get \"\" ''", new[] { "get", "", "" })]
    [InlineData("it\\'s a\\ b", new[] { "it's", "a b" })]
    [InlineData("--file C:\\data\\v.json", new[] { "--file", "C:\\data\\v.json" })]
    [InlineData("'single \\ keeps \" all'", new[] { "single \\ keeps \" all" })]
    [InlineData("\"back\\\\slash\"", new[] { "back\\slash" })]
    [InlineData("", new string[0])]
    public void ShellWords_split_like_a_posix_shell_for_simple_lines(string line, string[] expected)
    {
        Assert.True(ShellWords.TryParse(line, out var words, out var error), error);
        Assert.Equal(expected, words);
    }

    [Theory]
    [InlineData("get \"open", "unterminated double quote starting at column 5")]
    [InlineData("get 'open", "unterminated single quote starting at column 5")]
    [InlineData("a 'b' \"c", "unterminated double quote starting at column 7")]
    public void ShellWords_reject_unterminated_quotes_naming_the_column(string line, string expected)
    {
        Assert.False(ShellWords.TryParse(line, out _, out var error));
        Assert.Equal(expected, error);
    }
}
