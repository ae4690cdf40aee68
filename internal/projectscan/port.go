package projectscan

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// readPort settles the port: the command's own flag, the gunicorn config
// it loads, EXPOSE, then the server's default.
func (s *scanner) readPort(best cmdCand, exposed int, exposedAt Evidence) error {
	cmd := &s.svc.Command
	si := best.si
	if si.badBind != "" {
		s.warn(fmt.Sprintf("the command's listen address %s is not HOST:PORT", strconv.Quote(si.badBind)), best.at)
	}
	explicit := si.bind != nil && si.bind.port != 0 && !strings.HasSuffix(si.portWhy, " default")
	if si.server == "gunicorn" && !explicit {
		gc, file, err := s.gunicornConfig(si.config)
		if err != nil {
			return err
		}
		switch {
		case len(gc.bind) > 0:
			if b, err := parseBind(gc.bind[0]); err == nil && !b.unix {
				si.bind, si.portWhy, si.loopbackDefault = &b, "bind in "+file, false
				cmd.Port, cmd.PortAt, cmd.PortWhy = b.port, Evidence{File: s.rel(file), Line: gc.bindLine}, si.portWhy
				explicit = true
			}
		case gc.opaque:
			s.warn("the gunicorn config computes bind in a way init does not read; check port", Evidence{File: s.rel(file), Line: gc.bindLine})
		}
	}
	if si.server == "uwsgi" && !explicit && si.config != "" {
		if err := s.uwsgiPort(si.config, best.at); err != nil {
			return err
		}
		explicit = cmd.Port != 0
	}
	if cmd.Port == 0 && si.bind != nil && si.bind.port != 0 && explicit {
		cmd.Port, cmd.PortAt, cmd.PortWhy = si.bind.port, best.at, si.portWhy
	}
	if cmd.Port == 0 && exposed != 0 {
		cmd.Port, cmd.PortAt, cmd.PortWhy = exposed, exposedAt, "EXPOSE"
	}
	if cmd.Port == 0 && si.bind != nil && si.bind.port != 0 {
		cmd.Port, cmd.PortAt, cmd.PortWhy = si.bind.port, best.at, si.portWhy
	}
	if best.portEnv != 0 {
		s.svc.Env = append(s.svc.Env, EnvVar{Name: "PORT", Value: strconv.Itoa(best.portEnv), At: best.at})
		s.warn(fmt.Sprintf("the command reads $PORT, which nothing sets: init sets PORT=%d in env", best.portEnv), best.at)
	}
	if exposed != 0 && cmd.Port != 0 && exposed != cmd.Port {
		s.warn(fmt.Sprintf("EXPOSE says %d but the server listens on %d", exposed, cmd.Port), exposedAt, cmd.PortAt)
	}
	if si.bind != nil && si.bind.loopback() {
		how := "its listen address"
		if si.loopbackDefault {
			how = si.server + "'s default host"
		}
		s.warn(fmt.Sprintf("%s listens on %s (%s): unreachable from outside the container; bind 0.0.0.0", si.server, si.bind.host, how), best.at)
	}
	return nil
}

// uwsgiPort reads the port from the uWSGI ini file the command names.
func (s *scanner) uwsgiPort(name string, at Evidence) error {
	rel := strings.TrimPrefix(path.Clean(name), "./")
	if s.df != nil {
		if r := s.resolveInstalled(s.df, name); r != "" {
			rel = r
		}
	}
	data, err := s.t.readOpt(s.rel(rel))
	if err != nil || data == nil {
		if err == nil {
			s.warn(fmt.Sprintf("the command reads the uWSGI config %s, which is not in the project", name), at)
		}
		return err
	}
	env := map[string]string{}
	if s.df != nil {
		env = s.df.runtimeEnv()
	}
	uc, err := parseUwsgiIni(s.rel(rel), data, env)
	if err != nil || uc.addr == "" {
		return err
	}
	ev := Evidence{File: s.rel(rel), Line: uc.line}
	if len(uc.unset) > 0 {
		s.warn(fmt.Sprintf("the uWSGI listen address reads %s from the environment, which nothing sets", strings.Join(uc.unset, ", ")), ev)
		return nil
	}
	b, err := parseBind(uc.addr)
	if err != nil || b.unix {
		return nil
	}
	if uc.protocol == "uwsgi" {
		s.warn("uWSGI listens with socket= (the uwsgi protocol), which only a uwsgi-speaking proxy can reach; use http-socket", ev)
	}
	cmd := &s.svc.Command
	cmd.Port, cmd.PortAt, cmd.PortWhy = b.port, ev, "uWSGI "+uc.protocol+" address in "+rel
	return nil
}

var uidRE = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)

// readUser takes the Dockerfile's USER when it is numeric and not root,
// and its WORKDIR.
func (s *scanner) readUser() {
	df := s.df
	if df == nil {
		return
	}
	cmd := &s.svc.Command
	if df.workdir != "" {
		cmd.Workdir, cmd.WorkdirAt = df.workdir, Evidence{File: df.file, Line: df.workAt}
	}
	if df.user == "" {
		return
	}
	at := Evidence{File: df.file, Line: df.userAt}
	u, _, _ := strings.Cut(df.user, ":")
	switch {
	case u == "root" || u == "0":
		s.warn("the Dockerfile runs as root; pinwheel runs as 65532 unless user says otherwise", at)
	case uidRE.MatchString(df.user):
		cmd.User, cmd.UserAt = df.user, at
	default:
		s.warn(fmt.Sprintf("the Dockerfile runs as user %s, a name its own image creates; pinwheel's default is uid 65532 (set user to a uid the base image has)", strconv.Quote(df.user)), at)
	}
}
