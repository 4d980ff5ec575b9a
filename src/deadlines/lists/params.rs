//! What a due-list request asks for, read from the query string (pure). Unknown
//! parameters are ignored; a malformed or repeated `officer` or `view` is an error, shown
//! as a 400 page.

/// Whose list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// The signed-in user's own (no parameters, an empty `officer`, or `view=mine`).
    Own,
    /// Another officer's (`officer=<user id>`).
    Officer(i32),
    /// The team's (`view=team`).
    Team,
}

pub const TEAM: &str = "team";
pub const MINE: &str = "mine";

pub fn parse(query: &str) -> Result<Wanted, String> {
    let mut officer: Option<String> = None;
    let mut view: Option<String> = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "officer" => &mut officer,
            "view" => &mut view,
            _ => continue,
        };
        if slot.is_some() {
            return Err(format!("The address gives “{key}” more than once."));
        }
        *slot = Some(value.trim().to_owned());
    }
    let officer = match officer.as_deref().unwrap_or("") {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(id) if id > 0 => Some(id),
            _ => return Err("The officer in the address is not a valid officer id.".to_owned()),
        },
    };
    let team = match view.as_deref().unwrap_or("") {
        "" | MINE => false,
        TEAM => true,
        _ => return Err("The view in the address should be “mine” or “team”.".to_owned()),
    };
    match (officer, team) {
        (Some(_), true) => Err("Choose either an officer or the team view, not both.".to_owned()),
        (Some(id), false) => Ok(Wanted::Officer(id)),
        (None, true) => Ok(Wanted::Team),
        (None, false) => Ok(Wanted::Own),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_whose_list() {
        assert_eq!(parse(""), Ok(Wanted::Own));
        assert_eq!(parse("officer="), Ok(Wanted::Own));
        assert_eq!(parse("view=mine"), Ok(Wanted::Own));
        assert_eq!(parse("officer=12"), Ok(Wanted::Officer(12)));
        assert_eq!(parse("officer=+12+"), Ok(Wanted::Officer(12)));
        assert_eq!(parse("view=team"), Ok(Wanted::Team));
        assert_eq!(parse("view=team&officer="), Ok(Wanted::Team));
        assert_eq!(parse("utm=x&view=team"), Ok(Wanted::Team));
    }

    #[test]
    fn refuses_malformed_requests() {
        for bad in [
            "officer=abc",
            "officer=0",
            "officer=-3",
            "officer=99999999999",
            "officer=1.5",
            "view=everyone",
            "view=team&officer=3",
            "officer=3&officer=4",
            "view=team&view=team",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
