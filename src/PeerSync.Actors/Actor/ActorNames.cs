using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Actors;

/// <summary>
/// Actor names are path elements: URL-safe characters only. Names starting with '$' are reserved
/// for names the runtime generates (`$a`, `$temp1`).
/// </summary>
public static class ActorNames
{
    public static void Validate(string name, bool allowReserved = false)
    {
        if (!IsValid(name, allowReserved, out var error))
        {
            throw new InvalidActorNameException(error);
        }
    }

    public static bool IsValid(string? name, bool allowReserved, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "an actor name must not be empty";
            return false;
        }

        if (name[0] == '$' && !allowReserved)
        {
            error = $"actor name '{name}' starts with '$', which is reserved for generated names";
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '=' or ':' or '@' or '!' or ',' or ';' or '\'' or '*' or '(' or ')' || (c == '$' && i == 0);
            if (!ok)
            {
                error = $"actor name '{name}' contains '{c}'; use letters, digits and -_.~+=:@!,;'*()";
                return false;
            }
        }

        error = null;
        return true;
    }
}
